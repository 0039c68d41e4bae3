/* eslint-disable */
/**
 * This file was generated from policies/blastwall-config.schema.json by scripts/generate-types.ts (json-schema-to-typescript).
 * Generated, do not edit: change the schema and run `npm run gen`.
 */

/**
 * blastwall.json: which principals are AI agents, which findings to relax, which ones are accepted and why.
 */
export interface BlastwallConfig {
  $schema?: string;
  agents?: AgentSelector;
  /**
   * Per-rule severity override; `off` drops the rule's findings.
   */
  severity?: {
    [k: string]: "error" | "warning" | "off" | undefined;
  };
  /**
   * Findings accepted on purpose. An acknowledged finding is reported but no longer fails the gate.
   */
  acknowledgements?: ConfigAcknowledgement[];
  /**
   * Whether acknowledgements written in the checked configuration count: cdktf `acknowledge()` calls, and `"//": { "blastwall": { "acknowledgements": [...] } }` blocks in any `*.tf.json` (an override file included). Stack code is what an AI agent edits, so by default (false) they cover nothing: the findings they name stay errors and say which block carried them. Set it to true only when the stack code gets the same protected review as this file (CODEOWNERS).
   */
  acknowledgementsInCode?: boolean;
  /**
   * Warnings that can hide a path (unknown secret contents, unresolved references) become errors.
   */
  strict?: boolean;
  protected?: ProtectedSelector;
  /**
   * OpenID Connect issuers (their URLs, e.g. `https://acme.okta.com/oauth2/default`) that give tokens to your organisation's own people or workloads alone. blastwall reads an issuer it does not know by its shape (an Entra tenant by its id, an EKS cluster, a GitHub Enterprise...) as one that may give a token to anyone who signs up, since it cannot see the issuer's sign-up policy; listing an issuer here makes blastwall trust that policy on your word, wherever an issuer is judged: a JWT or OpenID Connect authorizer (API Gateway, AppSync, an ALB authenticate-oidc action, an AgentCore gateway), an identity pool's OpenID Connect provider and a user pool's OIDC identity provider. List only an issuer where no one outside the organisation can get an account (self-service registration off, no social or guest sign-in). Each entry matches one issuer exactly, after `https://` and trailing slashes are dropped and case is folded: no prefix or wildcard (`*`, `?`, `${...}`). An issuer that gives a token to anyone whatever its owner sets (accounts.google.com, the bare GitHub Actions issuer, Microsoft's common endpoints, a Cognito user pool's issuer) is refused.
   */
  organisationIssuers?: string[];
  /**
   * Public keys (PEM) or key files whose signatures `blastwall gate` accepts on approvals.
   */
  trustedKeys?: string[];
}
/**
 * Principals that count as AI agents, in addition to those tagged `blastwall:agent = "true"`.
 */
export interface AgentSelector {
  /**
   * Exact Terraform addresses, e.g. `aws_iam_role.agent`.
   */
  addresses?: string[];
  /**
   * Glob patterns (`*`, `?`) matched against the IAM name of the role or user, regardless of case (IAM names are unique regardless of case), e.g. `ai-*`; also against roles and users outside the stack that it names (a policy attached by name, a trust or resource policy naming an ARN). A name, not an ARN or path: IAM role and user names and Identity Center permission set names hold only letters, digits and `_+=,.@-`, so an entry with `/` or `:` (or a blank) could match no principal and is refused.
   */
  names?: string[];
  /**
   * Tags that mark a principal as an agent: every listed key must be present with the given value.
   */
  tags?: {
    [k: string]: string | undefined;
  };
}
export interface ConfigAcknowledgement {
  /**
   * The rule id the finding carries.
   */
  ruleId: string;
  /**
   * Exact Terraform address of the principal (or resource) the finding is about; wildcards are not accepted.
   */
  principal: string;
  /**
   * Who accepted what and why, in at least 10 visible characters. A placeholder is refused: a code marker such as `TODO:`, `lorem ipsum`, or no real word (only filler such as `reason here`, `fix later please`, or one letter repeated).
   */
  reason: string;
  /**
   * Date (YYYY-MM-DD, valid through that day, UTC) or date-time after which the acknowledgement no longer holds.
   */
  expires?: string;
  /**
   * The actions accepted: IAM action names or globs (`ec2:DeleteSnapshot`, `ec2:Delete*`), case-insensitive. A finding is covered only when every action it reports is one of them, so a destroy right added after the review fails the gate again. Without it, or with `*` in the list (which every action matches), the acknowledgement accepts whatever the rule reports for the principal, now and later.
   *
   * @minItems 1
   */
  actions?: string[];
  /**
   * Exact Terraform address of the finding's `resource` (the policy, statement holder or reached principal it names) the acknowledgement is limited to; wildcards are not accepted.
   */
  resource?: string;
  /**
   * The finding's `grants` digest (16 hex digits, as the report shows it) the acknowledgement was reviewed for: it covers the finding only while what decides it still hashes to it: the statements that grant it (their effect, actions, resources, principals and conditions), the principal's permission boundary and Denies, its provider's account and region, and the blocks an unresolved reference names; for a finding about a thing, that thing (a module call: its source, version and inputs). A condition dropped, a Resource widened, a Deny or boundary weakened or another policy granting the same right gives another digest, and the finding fails again, naming both. Without it, the acknowledgement holds whatever grants the finding, and an `acknowledgement-unpinned` warning gives the digest to add.
   */
  grants?: string;
  /**
   * The stack the acknowledgement is for: the cdktf stack name (the NAME of cdktf.out/stacks/NAME). Without it, the acknowledgement holds in every stack checked together, and a warning says so when it covers findings in more than one, because stacks built from the same code share Terraform addresses (staging and prod).
   */
  stack?: string;
}
/**
 * Resources that hold data which must survive, in addition to the data-bearing types blastwall knows. `blastwall check` (and the synth-time checks) require lifecycle.prevent_destroy on each; an AWS Backup selection that covers it where AWS Backup can back up its type (one whose AWS Backup support blastwall does not know counts as not covered, and the finding says so); deletion protection on DocumentDB and Neptune clusters and a final snapshot on those and Redshift clusters. `blastwall gate` blocks their destroy and forget. An entry that matches no resource gets a note naming near matches.
 */
export interface ProtectedSelector {
  /**
   * Terraform addresses (case-sensitive; `*` globs), e.g. `aws_db_instance.main`. An address covers its instances (`x[0]`, `x["k"]`) and, for a module, everything in it: `blastwall gate` blocks the destroy of every resource in a listed module. `blastwall check` reads blocks: there an entry naming one instance covers its whole block; and a module address or a glob has check judge only the types it knows to hold data (the built-in ones and those whose AWS Backup support it knows), not a module's security, subnet or parameter groups; list a resource's own address (or its type in `types`) to have check judge it whatever its type.
   */
  addresses?: string[];
  /**
   * Terraform resource types (case-sensitive; `*` globs), e.g. `aws_docdb_cluster`, `aws_elasticache_*`. `blastwall check` judges every type listed exactly; through a glob, only the types it knows to hold data, as for module addresses.
   */
  types?: string[];
}
