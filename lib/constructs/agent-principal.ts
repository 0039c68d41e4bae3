import { fail, isToken, literalProviderRegion, PARTITION_NAMES, partitionOf, propNames, refuseUnknownOptions, requireAccountId, requireIamName, requirePartition, requireString } from "./validate";
import type { ConditionBlock, StatementJson } from "./policy-document";
import { ciIssuerOf as engineCiIssuerOf } from "../engine/ci-issuers";
import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import type { TerraformProvider } from "cdktf";

/** The partitions an ARN may name (aws, aws-cn, aws-us-gov, the ISO partitions, aws-eusc), as a regular expression. */
const PARTITION_PATTERN = `(?:${PARTITION_NAMES.join("|")})`;

/** A DNS host name in lower case: labels of letters, digits and inner hyphens, at least two. */
const DNS_HOST = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+";

/** An OIDC provider's URL without `https://`: a DNS host, maybe a port, maybe a path of non-empty segments. */
const OIDC_HOST_PATH = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\\d{1,5})?(?:/[A-Za-z0-9._~%+=,@:-]+)*";

/**
 * One rule for every part of an OIDC subject: no `*` or `?`. The trust matches the subject with StringLike, where
 * `*` and `?` also match `:` and `/`, so any wildcard can span the subject's segments: `project_path:acme/*` admits
 * every project and branch of the group, `repo:acme/infra:ref:refs/heads/*` every branch, `release-*` every branch
 * under `release-x/`. `githubActions` (branch, environment) and `oidc` (subject) both apply it.
 */
function requireNoWildcard(method: string, prop: string, value: string, instead: string): void {
  if (/[*?]/.test(value)) fail("AgentPrincipal", `${method}(${prop})`, `must ${instead} (got "${value}")`);
}

/**
 * A claim the trust compares (subject, audience, or a part of one) must be written out. A cdktf token (a
 * TerraformVariable, a reference, `Fn.rawString`) is known only at apply time, so its value (`repo:acme/*`) is never
 * checked here; and `${...}` (written `${` or, escaped for Terraform, `$${`) reaches IAM as a policy variable, which
 * IAM replaces with the request's own value: `"$${token.actions.githubusercontent.com:sub}"` as the subject matches
 * every token of the issuer.
 */
function requireLiteralClaim(method: string, prop: string, value: string, like: string): void {
  const why = "a variable or policy variable can widen it to every token of the issuer";
  if (isToken(value)) {
    fail("AgentPrincipal", `${method}(${prop})`, `must be written literally, not a reference or variable (got ${JSON.stringify(value)}): write the literal claim, like ${like}; ${why}, and its value is not known until apply, so it cannot be checked here`);
  }
  if (/\$\{/.test(value)) {
    fail("AgentPrincipal", `${method}(${prop})`, `must not contain "\${" (got ${JSON.stringify(value)}): IAM reads \${...} (written \${ or, escaped for Terraform, $\${) as a policy variable and puts the request's own value in its place. Write the literal claim, like ${like}; ${why}`);
  }
}

/** What to use instead of `oidc` for a CI issuer (ci-issuers.ts lists them, for the engine too). */
const CI_INSTEAD: Readonly<Record<string, string>> = {
  "GitHub Actions": "AgentPrincipal.githubActions({ providerArn, repository, branch })",
  "GitLab CI": "AgentPrincipal.gitlabCi({ providerArn, project, branch })",
};

function ciIssuerOf(host: unknown): { readonly name: string; readonly holder: string; readonly instead: string } | undefined {
  const ci = engineCiIssuerOf(host);
  return ci && { name: ci.name, holder: ci.holder, instead: CI_INSTEAD[ci.name] ?? "oidc({ ..., tokensCarrySourceIdentity: false })" };
}

/**
 * Refuses a key the factory `method` does not read (see refuseUnknownOptions): the trust would be written without it,
 * and a misspelt branch, audience or external id means a trust other than the one the user wrote. `defaults` says what
 * the trust holds when the options the factory does read are left out.
 */
function refuseUnknownKeys(method: string, options: unknown, known: readonly string[], defaults: string): void {
  refuseUnknownOptions("AgentPrincipal", options, known, {
    call: `AgentPrincipal.${method}`,
    whole: `${method}(${method === "role" ? "options" : "props"})`,
    name: (key) => `${method}(${key})`,
    effect: (key) => `the trust would be written as if ${key} were not there (${defaults}), so it would admit other sessions than the ones you named`,
  });
}

const ROLE_OPTIONS = propNames<RoleOptions>({ externalId: true });
const OIDC_PROPS = propNames<OidcSubjectProps>({ providerArn: true, issuerHost: true, subject: true, audience: true, tokensCarrySourceIdentity: true });
const GITHUB_PROPS = propNames<GithubActionsProps>({ providerArn: true, repository: true, branch: true, environment: true });
const GITLAB_PROPS = propNames<GitlabCiProps>({ providerArn: true, project: true, branch: true, tag: true, issuerHost: true, audience: true });
const PERMISSION_SET_PROPS = propNames<IdentityCenterPermissionSetProps>({ accountId: true, permissionSetName: true, partition: true });

/**
 * Who may start an agent session: the principals an AgentRole (or a ScopedToken role) trusts. Each kind
 * renders its own trust statements; AgentRole adds the source-identity requirement to every one of them.
 */
export abstract class AgentPrincipal {
  /**
   * Whether a session it starts can carry a source identity. AWS takes a web identity's only from the token's
   * `https://aws.amazon.com/source_identity` claim, which GitHub's tokens never have: AgentRole then puts an entry
   * role between, which the principal assumes and which assumes the agent role with the source identity set.
   */
  readonly carriesSourceIdentity: boolean = true;

  /**
   * An IAM role, typically the agent runner (a broker that calls `sts:AssumeRole` with
   * `SourceIdentity=agent-<tool>-<user>`), or another AgentRole's ARN.
   */
  static role(roleArn: string, options: RoleOptions = {}): AgentPrincipal {
    refuseUnknownKeys("role", options, ROLE_OPTIONS, "with no externalId, no sts:ExternalId condition");
    requireString("AgentPrincipal", "role(roleArn)", roleArn, "the ARN of the IAM role that starts agent sessions, like arn:aws:iam::111111111111:role/agent-runner");
    // A path of non-empty segments (`/` or `/a/b/`) and a role name of 1 to 64 of IAM's characters (red-team round 68:
    // role//x was accepted).
    if (!isToken(roleArn) && !new RegExp(`^arn:${PARTITION_PATTERN}:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`).test(roleArn)) {
      fail("AgentPrincipal", "role(roleArn)", `must be an IAM role ARN like arn:aws:iam::111111111111:role/agent-runner (got "${roleArn}")`);
    }
    return new RolePrincipal(roleArn, options.externalId);
  }

  /**
   * An OIDC subject. By default the identity provider must put the `https://aws.amazon.com/source_identity` claim in
   * its tokens (AssumeRoleWithWebIdentity has no SourceIdentity parameter, and the trust always requires one); for an
   * IdP that cannot (most CI systems), set `tokensCarrySourceIdentity: false` and AgentRole adds an entry role.
   */
  static oidc(props: OidcSubjectProps): AgentPrincipal {
    refuseUnknownKeys("oidc", props, OIDC_PROPS, "with no audience, sts.amazonaws.com; with no tokensCarrySourceIdentity, true");
    const p = AgentPrincipal.oidcFor("oidc", props);
    // A CI issuer's tokens never carry the claim: with the default, the role would be built, deployed, and refuse
    // every session of the job (AccessDenied at run time, never at synth).
    const ci = ciIssuerOf(props.issuerHost);
    if (ci && props.tokensCarrySourceIdentity !== false) {
      fail(
        "AgentPrincipal",
        "oidc(tokensCarrySourceIdentity)",
        `must be false for ${props.issuerHost}: ${ci.name} tokens cannot carry the https://aws.amazon.com/source_identity claim, so a trust that waits for it refuses every session of the ${ci.holder}. ` +
          `Use ${ci.instead}, or set tokensCarrySourceIdentity: false so AgentRole trusts the subject through an entry role`,
      );
    }
    return p;
  }

  /**
   * `oidc`, with the method the user called named in messages (`githubActions` and `gitlabCi` pass their own props
   * through); `subjectOperator` is how the trust compares the subject (the same for an exact subject).
   */
  private static oidcFor(method: string, props: OidcSubjectProps, subjectOperator: "StringLike" | "StringEquals" = "StringLike"): AgentPrincipal {
    requireString("AgentPrincipal", `${method}(providerArn)`, props?.providerArn, "the ARN of the IAM OIDC provider in the role's account, like arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com");
    // IAM refuses any other Federated principal at apply ("Invalid principal in policy").
    // Only a real partition, and a host (a port, a path) of printable ASCII with no whitespace or wildcard (red-team
    // round 67: arn:awsfoo: and "oidc-provider/ x" were accepted; round 68: a trailing U+200B and oidc-provider/*).
    if (!isToken(props.providerArn) && !new RegExp(`^arn:${PARTITION_PATTERN}:iam::\\d{12}:oidc-provider/${OIDC_HOST_PATH}$`).test(props.providerArn)) {
      fail("AgentPrincipal", `${method}(providerArn)`, `must be the ARN of an IAM OIDC provider like arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com (got "${props.providerArn}"), or a reference to one (aws_iam_openid_connect_provider's .arn): the role's trust names it as its Federated principal`);
    }
    requireString("AgentPrincipal", `${method}(issuerHost)`, props.issuerHost, "the issuer host without https://, like token.actions.githubusercontent.com");
    requireString("AgentPrincipal", `${method}(subject)`, props.subject, "the sub claim of the tokens admitted, like repo:acme/infra:ref:refs/heads/main");
    requireLiteralClaim(method, "subject", props.subject, "repo:acme/infra:ref:refs/heads/main");
    if (props.audience !== undefined) {
      requireString("AgentPrincipal", `${method}(audience)`, props.audience, 'the aud claim of the tokens admitted, like "sts.amazonaws.com"');
      if (props.audience === "") fail("AgentPrincipal", `${method}(audience)`, 'must name the aud claim, like "sts.amazonaws.com" (got "")');
      requireLiteralClaim(method, "audience", props.audience, '"sts.amazonaws.com"');
    }
    const host = props.issuerHost;
    if (!/^[a-z0-9.-]+(\/[\w./-]*)?$/.test(host)) {
      fail("AgentPrincipal", `${method}(issuerHost)`, `must be the issuer host without https://, like token.actions.githubusercontent.com (got "${host}")`);
    }
    // IAM names the trust's condition keys after the provider's URL: keys of another issuer are never in the token.
    const arnHost = isToken(props.providerArn) ? undefined : /:oidc-provider\/(.*)$/.exec(props.providerArn)?.[1];
    if (arnHost !== undefined && arnHost !== host) {
      fail("AgentPrincipal", `${method}(providerArn)`, `names the OIDC provider ${JSON.stringify(arnHost)}, not the issuer ${JSON.stringify(host)} (issuerHost): the trust would compare ${host}:sub, a claim tokens of that provider never have, and no session could start. Pass the provider of https://${host}, or set issuerHost to the host the provider names`);
    }
    const onlyWildcards = (part: string) => /^[*?]+$/.test(part);
    if (!props.subject || onlyWildcards(props.subject)) {
      fail("AgentPrincipal", `${method}(subject)`, `must name the subject (a repository, branch or workload), not only wildcards (got ${JSON.stringify(props.subject)}): every token of the issuer could assume the role`);
    }
    // StringLike's `*` crosses `:`, so a wildcard-only kind (`*:x`) or name (`repo:*`) is nearly as wide as `*`.
    const colon = props.subject.indexOf(":");
    if (colon >= 0 && (onlyWildcards(props.subject.slice(0, colon)) || onlyWildcards(props.subject.slice(colon + 1)))) {
      fail("AgentPrincipal", `${method}(subject)`, `must name the subject (a repository, branch or workload), not only wildcards before or after its first ":" (got "${props.subject}"): every token of that kind, or with that name, could assume the role`);
    }
    // `repo:acme/infra:*`, `project_path:acme/*`: a wildcard after the name still spans every branch or project.
    requireNoWildcard(method, "subject", props.subject,
      'be one exact sub claim, without * or ?: the trust compares it with StringLike, where * and ? also match ":" and "/", so a pattern admits every project, repository, branch or environment it spans. ' +
        "Write the whole claim (project_path:acme/infra:ref_type:branch:ref:main, repo:acme/infra:ref:refs/heads/main), and give AgentRole's assumedBy one AgentPrincipal per subject to admit several");
    const carries = props.tokensCarrySourceIdentity;
    // Plain JavaScript can hand in "false", which is truthy: the role would wait for a claim that never comes.
    if (carries !== undefined && typeof carries !== "boolean") {
      fail("AgentPrincipal", `${method}(tokensCarrySourceIdentity)`, `must be true or false (got ${JSON.stringify(carries)}): false when the identity provider cannot put the https://aws.amazon.com/source_identity claim in its tokens`);
    }
    const p = new OidcPrincipal(props.providerArn, host, props.subject, props.audience ?? "sts.amazonaws.com", subjectOperator);
    return carries === false ? Object.assign(p, { carriesSourceIdentity: false }) : p;
  }

  /**
   * A GitHub Actions workflow of one repository, on one branch (or one deployment environment).
   * GitHub's tokens carry no source-identity claim, so AgentRole trusts the workflow through an entry role
   * (`<roleName>-entry`, under `/agent-entry/`): the workflow assumes it with its token, then the agent role with
   * `--source-identity agent-...` (see AgentRole.entryRoles).
   */
  static githubActions(props: GithubActionsProps): AgentPrincipal {
    refuseUnknownKeys("githubActions", props, GITHUB_PROPS, "with neither branch nor environment, the workflows of branch main");
    requireString("AgentPrincipal", "githubActions(providerArn)", props?.providerArn, "the ARN of the token.actions.githubusercontent.com OIDC provider in the role's account, like arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com");
    requireString("AgentPrincipal", "githubActions(repository)", props.repository, '"owner/name" of the repository whose workflows may start sessions');
    requireLiteralClaim("githubActions", "repository", props.repository, '"acme/infra"');
    if (!/^[\w.-]+\/[\w.-]+$/.test(props.repository)) {
      fail("AgentPrincipal", "githubActions(repository)", `must be "owner/name" (got "${props.repository}")`);
    }
    if (props.branch !== undefined && props.environment !== undefined) {
      fail("AgentPrincipal", "githubActions(branch, environment)", "take one of the two: a job runs either for a branch or for an environment");
    }
    for (const key of ["branch", "environment"] as const) {
      const v = props[key];
      if (v !== undefined) {
        requireString("AgentPrincipal", `githubActions(${key})`, v, `the name of one ${key}, like "${key === "branch" ? "main" : "production"}"`);
        requireLiteralClaim("githubActions", key, v, key === "branch" ? '"main"' : '"production"');
      }
      if (v === "") fail("AgentPrincipal", `githubActions(${key})`, `must name one ${key}, without * or ? (got ""): a pattern lets every matching ${key} of the repository in`);
      if (v !== undefined) requireNoWildcard("githubActions", key, v, `name one ${key}, without * or ?: a pattern lets every matching ${key} of the repository in`);
      if (key === "branch" && v !== undefined && v.startsWith("refs/")) fail("AgentPrincipal", "githubActions(branch)", `is the branch name alone, like "main" (got "${v}"): the subject adds refs/heads/ itself`);
    }
    const scope = props.environment !== undefined ? `environment:${props.environment}` : `ref:refs/heads/${props.branch ?? "main"}`;
    return AgentPrincipal.oidcFor("githubActions", {
      providerArn: props.providerArn,
      issuerHost: "token.actions.githubusercontent.com",
      subject: `repo:${props.repository}:${scope}`,
      // GitHub cannot add the source-identity claim to its tokens (see carriesSourceIdentity).
      tokensCarrySourceIdentity: false,
    });
  }

  /**
   * A GitLab CI/CD job of one project, on one branch (or one tag), by its ID token (`id_tokens:` in .gitlab-ci.yml).
   * The trust compares the token's `sub`, which GitLab writes `project_path:<project>:ref_type:branch:ref:<branch>`
   * (`ref_type:tag` for a tag), with StringEquals, and its `aud`, which must be the job's `id_tokens: ... aud:`.
   * GitLab's tokens cannot carry the source-identity claim, so AgentRole trusts the job through an entry role
   * (`<roleName>-entry`, under `/agent-entry/`): the job assumes it with its token
   * (`aws sts assume-role-with-web-identity`), then the agent role with `--source-identity agent-...`.
   *
   * No environment: GitLab never puts one in `sub`, and IAM offers no condition key for GitLab's `environment` claim
   * (for an OIDC provider without its own keys only `aud`, `sub`, `amr`, `oaud` and `email`). A project that edits
   * the sub claim's components (`ci_id_token_sub_claim_components`) issues other subjects: use `oidc` with
   * `tokensCarrySourceIdentity: false` and the exact subject then.
   */
  static gitlabCi(props: GitlabCiProps): AgentPrincipal {
    const m = "gitlabCi";
    const environment = (props as unknown as { readonly environment?: unknown } | undefined)?.environment;
    if (environment !== undefined) {
      fail("AgentPrincipal", `${m}(environment)`, `is not supported (got ${JSON.stringify(environment)}): GitLab never puts the environment in the sub claim, and IAM has no condition key for GitLab's environment claim, so the trust cannot check it. Name the branch (or tag) the deployment job runs on, and protect it in GitLab`);
    }
    // After environment, which gets its own reason.
    refuseUnknownKeys(m, props, GITLAB_PROPS, "with neither branch nor tag, the jobs of branch main; with no audience, sts.amazonaws.com; with no issuerHost, gitlab.com");
    // Plain JavaScript's null is not "left out": `tag: null` would otherwise make a trust for the branch "main" a tag.
    for (const key of ["issuerHost", "branch", "tag", "audience"] as const) {
      if (props?.[key] === null) fail("AgentPrincipal", `${m}(${key})`, `must be a string or left out (got null)`);
    }
    requireString("AgentPrincipal", `${m}(providerArn)`, props?.providerArn, "the ARN of the IAM OIDC provider for the GitLab instance in the role's account, like arn:aws:iam::111111111111:oidc-provider/gitlab.com");
    const issuerHost = props.issuerHost ?? "gitlab.com";
    requireString("AgentPrincipal", `${m}(issuerHost)`, issuerHost, 'the host of the GitLab instance as in its issuer URL, without https://, like "gitlab.com" or "gitlab.example.com"');
    requireLiteralClaim(m, "issuerHost", issuerHost, '"gitlab.example.com"');
    // IAM names the condition keys after the provider's URL without https:// (`gitlab.com:sub`); a self-managed
    // instance under a relative URL root keeps its path (`example.com/gitlab`). Lower case: GitLab writes `iss` so.
    if (!new RegExp(`^${DNS_HOST}(?:/[a-z0-9._-]+)*$`).test(issuerHost)) {
      fail("AgentPrincipal", `${m}(issuerHost)`, `must be the host of the GitLab instance without https:// or a port, in lower case, maybe with the path it is served under, like "gitlab.com" or "gitlab.example.com" (got ${JSON.stringify(issuerHost)}): the trust's condition keys are named after it`);
    }
    const other = ciIssuerOf(issuerHost);
    if (other && other.name !== "GitLab CI") {
      fail("AgentPrincipal", `${m}(issuerHost)`, `is the issuer of ${other.name}, not of a GitLab instance (got ${JSON.stringify(issuerHost)}): its tokens' sub never has GitLab's form, so no job could assume the role. Use ${other.instead}`);
    }
    if (!isToken(props.providerArn) && !new RegExp(`^arn:${PARTITION_PATTERN}:iam::\\d{12}:oidc-provider/${OIDC_HOST_PATH}$`).test(props.providerArn)) {
      fail("AgentPrincipal", `${m}(providerArn)`, `must be the ARN of an IAM OIDC provider like arn:aws:iam::111111111111:oidc-provider/${issuerHost} (got "${props.providerArn}"), or a reference to one (aws_iam_openid_connect_provider's .arn): the role's trust names it as its Federated principal`);
    }
    const arnHost = /:oidc-provider\/(.*)$/.exec(props.providerArn)?.[1];
    if (!isToken(props.providerArn) && arnHost !== undefined && arnHost !== issuerHost) {
      fail("AgentPrincipal", `${m}(providerArn)`, `names the OIDC provider ${JSON.stringify(arnHost)}, not the GitLab instance ${JSON.stringify(issuerHost)} (issuerHost): IAM would look for ${issuerHost}:sub in tokens of another issuer, and no job could assume the role. Pass the provider of https://${issuerHost}, or set issuerHost to the instance the provider names`);
    }

    requireString("AgentPrincipal", `${m}(project)`, props.project, 'the full path of the GitLab project, "group/project" or "group/subgroup/project"');
    requireLiteralClaim(m, "project", props.project, '"acme/infra"');
    requireNoWildcard(m, "project", props.project, "name one project, without * or ?: a pattern lets every project it matches in");
    if (props.project.split("/").some((segment) => /\.(?:git|atom)$/.test(segment) && segment !== props.project.split("/").pop())) {
      fail("AgentPrincipal", `${m}(project)`, `must not have a group ending in .git or .atom (got "${props.project}"): GitLab refuses such paths, so no job ever has this project_path`);
    }
    if (props.project.endsWith(".atom")) {
      fail("AgentPrincipal", `${m}(project)`, `must not end in .atom (got "${props.project}"): GitLab refuses such paths, so no job ever has this project_path`);
    }
    if (props.project.endsWith(".git")) {
      fail("AgentPrincipal", `${m}(project)`, `is the project's path, without .git (got "${props.project}"): GitLab's project_path claim never ends in it`);
    }
    // Groups nest (a/b/c); each segment starts with a letter, digit or _, and holds letters, digits, _, - and . (GitLab's path rule).
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/.test(props.project)) {
      fail("AgentPrincipal", `${m}(project)`, `must be the full path of the project, "group/project" or "group/subgroup/project" (got ${JSON.stringify(props.project)}): the token's sub claim names the project by this path`);
    }

    if (props.branch !== undefined && props.tag !== undefined) {
      fail("AgentPrincipal", `${m}(branch, tag)`, "take one of the two: a job runs for either a branch or a tag");
    }
    const refType = props.tag !== undefined ? "tag" : "branch";
    const ref = props.tag ?? props.branch ?? "main";
    requireString("AgentPrincipal", `${m}(${refType})`, ref, `the name of one ${refType}, like "${refType === "branch" ? "main" : "v1.2.0"}"`);
    requireLiteralClaim(m, refType, ref, refType === "branch" ? '"main"' : '"v1.2.0"');
    if (ref === "") fail("AgentPrincipal", `${m}(${refType})`, `must name one ${refType} (got ""): the token's sub claim always names one`);
    requireNoWildcard(m, refType, ref, `name one ${refType}, without * or ?: a pattern lets every matching ${refType} of the project in`);
    if (ref.startsWith("refs/")) {
      fail("AgentPrincipal", `${m}(${refType})`, `is the ${refType} name alone, like "${refType === "branch" ? "main" : "v1.2.0"}" (got "${ref}"): GitLab's ref claim has no refs/heads/ or refs/tags/`);
    }
    // Git refuses these in a ref name; ":" would also end the subject's ref segment.
    if (/[\s:~^\\[]|\.\.|@\{|^[-/.]|[/.]$|\/\/|\.lock$|\/\.|\.lock\/|^@$|^HEAD$/.test(ref) || /[\u0000-\u001f\u007f]/.test(ref)) {
      fail("AgentPrincipal", `${m}(${refType})`, `must be a Git ${refType} name, with no space, ":", "~", "^", "[", "\\", "..", "@{" or control character, no part starting with "." or ending in ".lock", not starting with "-" or "/", and not "@" or "HEAD" (got ${JSON.stringify(ref)}): no job ever runs for such a ${refType}`);
    }

    return AgentPrincipal.oidcFor(
      m,
      {
        providerArn: props.providerArn,
        issuerHost,
        subject: `project_path:${props.project}:ref_type:${refType}:ref:${ref}`,
        audience: props.audience ?? "sts.amazonaws.com",
        // GitLab's ID tokens hold only GitLab's own claims (see carriesSourceIdentity).
        tokensCarrySourceIdentity: false,
      },
      "StringEquals",
    );
  }

  /**
   * The roles IAM Identity Center creates for one permission set in one account
   * (`AWSReservedSSO_<name>_<16 hex digits>`, under `/aws-reserved/sso.amazonaws.com/` with or without a region
   * segment); permission sets whose names merely start with `<name>_` are not admitted. `partition` is the
   * account's (`aws-us-gov` in GovCloud, `aws-cn` in China; default `aws`): the trust names the account's root there.
   */
  static identityCenterPermissionSet(props: IdentityCenterPermissionSetProps): AgentPrincipal {
    refuseUnknownKeys("identityCenterPermissionSet", props, PERMISSION_SET_PROPS, "with no partition, the account's root in aws");
    requireAccountId("AgentPrincipal", "identityCenterPermissionSet(accountId)", props.accountId);
    requireIamName("AgentPrincipal", "identityCenterPermissionSet(permissionSetName)", props.permissionSetName, 32);
    const partition = requirePartition("AgentPrincipal", "identityCenterPermissionSet(partition)", props.partition ?? "aws");
    return new PermissionSetPrincipal(props.accountId, props.permissionSetName, partition);
  }

  /** How a session is started: `role` and `permission-set` call AssumeRole, `oidc` AssumeRoleWithWebIdentity. */
  abstract readonly kind: "role" | "oidc" | "permission-set";

  /** Short text for error messages and descriptions. */
  abstract describe(): string;

  /**
   * The trust statements for this principal: `actions` is what it may call (AssumeRole or its web-identity
   * form is chosen here), `conditions` the conditions every statement must carry.
   */
  abstract statements(sid: string, extraActions: readonly string[], conditions: ConditionBlock, tagSession?: ConditionBlock): StatementJson[];

  /**
   * Problems only the synthesized app shows (a provider given by reference names another issuer), checked when the
   * role that trusts this principal is validated at synth. None by default.
   */
  problemsIn(_scope: IConstruct): string[] {
    return [];
  }

  /** The partition its literal ARN names (a trust can only name principals of the role's own partition). */
  get partition(): string | undefined {
    return undefined;
  }

  /**
   * The shortest literal each reference in its statements can be at apply, for sizing a trust before IAM does: IAM
   * counts the ARN a reference becomes, not the reference (red-team round 86: 20 runner roles of the stack, passed by
   * `.arn`, counted as nothing, and a 2,368-character trust was accepted). `partition` is the role's, when known.
   */
  arnEstimates(_scope: IConstruct, _partition: string | undefined): ReadonlyMap<string, string> {
    return new Map();
  }
}

/** The options of `AgentPrincipal.role`. */
export interface RoleOptions {
  /** The `sts:ExternalId` the caller must pass: the trust requires it. @default none */
  readonly externalId?: string;
}

/** The permission set of `AgentPrincipal.identityCenterPermissionSet`. */
export interface IdentityCenterPermissionSetProps {
  /** The 12-digit account the permission set is assigned in. */
  readonly accountId: string;
  /** The permission set's name, 1 to 32 characters. */
  readonly permissionSetName: string;
  /** The account's partition (`aws-us-gov` in GovCloud, `aws-cn` in China). @default "aws" */
  readonly partition?: string;
}

export interface OidcSubjectProps {
  /** ARN of the `aws_iam_openid_connect_provider` in the account of the role (`arn:<partition>:iam::<account>:oidc-provider/<host>`), or a reference to it. */
  readonly providerArn: string;
  /** Issuer host as IAM names its condition keys, e.g. `token.actions.githubusercontent.com`. */
  readonly issuerHost: string;
  /**
   * The exact `sub` claim, like `repo:acme/infra:ref:refs/heads/main` or
   * `project_path:acme/infra:ref_type:branch:ref:main`; no `*` or `?` (the trust's StringLike lets them match `:` and
   * `/`, so any pattern spans repositories, projects or branches). For several subjects, give AgentRole's
   * `assumedBy` one principal each. Written literally: no reference or TerraformVariable and no `${` (or `$${`),
   * which IAM would read as a policy variable (`${<issuer>:sub}` matches every token of the issuer).
   */
  readonly subject: string;
  /** `aud` claim, written literally like `subject`. @default "sts.amazonaws.com" */
  readonly audience?: string;
  /**
   * Whether the identity provider's tokens carry the `https://aws.amazon.com/source_identity` claim, AWS's only
   * source of a web identity's source identity. Most CI systems cannot add it (GitHub Actions, GitLab CI, Bitbucket
   * Pipelines, CircleCI, Buildkite, Terraform Cloud): set `false`, and AgentRole trusts the subject through an entry
   * role (under `/agent-entry/`) that may only assume the agent role with an `agent-` source identity.
   *
   * The default keeps the trust of roles deployed before this option: an IdP that does set the claim (Okta, Auth0,
   * Keycloak with a claim mapper) keeps assuming the agent role directly. A wrong `true` trusts nobody (every session
   * is refused at run time, never a session without a source identity); a wrong `false` only adds the entry role.
   * @default true
   */
  readonly tokensCarrySourceIdentity?: boolean;
}

export interface GitlabCiProps {
  /**
   * ARN of the IAM OIDC provider for the GitLab instance in the role's account
   * (`arn:<partition>:iam::<account>:oidc-provider/gitlab.com`), or a reference to it. Its client IDs must include
   * `audience`.
   */
  readonly providerArn: string;
  /** Full path of the project: `group/project`, or `group/subgroup/project`; literal, no `*`, `?` or `${`. */
  readonly project: string;
  /** One branch name, like `main` (not `refs/heads/main`); no `*`, `?` or `${`. @default "main" (unless `tag` is given) */
  readonly branch?: string;
  /** One tag name instead of a branch, like `v1.2.0`; no `*`, `?` or `${`. */
  readonly tag?: string;
  /**
   * Host of the GitLab instance as in its issuer URL, without `https://` (a self-managed instance's own, like
   * `gitlab.example.com`); IAM names the trust's condition keys after it (`gitlab.com:sub`).
   * @default "gitlab.com"
   */
  readonly issuerHost?: string;
  /**
   * The `aud` claim: it must equal the `aud:` of the job's `id_tokens:` entry (GitLab has no default the job can
   * rely on), and be a client ID of the OIDC provider.
   * @default "sts.amazonaws.com"
   */
  readonly audience?: string;
}

export interface GithubActionsProps {
  /** ARN of the `token.actions.githubusercontent.com` OIDC provider in the role's account, or a reference to it. */
  readonly providerArn: string;
  /** `owner/name`. Like `branch` and `environment`, written literally: no reference, variable or `${`. */
  readonly repository: string;
  /** One branch name, no `*`, `?` or `${`. @default "main" (unless `environment` is given) */
  readonly branch?: string;
  /** A GitHub deployment environment instead of a branch; no `*`, `?` or `${`. */
  readonly environment?: string;
}

/** Merges condition blocks operator by operator (keys under one operator must not collide). */
export function mergeConditions(...blocks: (ConditionBlock | undefined)[]): ConditionBlock {
  const out: Record<string, Record<string, string | readonly string[]>> = {};
  for (const b of blocks) {
    if (!b) continue;
    for (const [op, kv] of Object.entries(b)) out[op] = { ...(out[op] ?? {}), ...kv };
  }
  return out;
}

/** JSON with object keys sorted: two condition blocks that differ only in key order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Trust statements with one principal each, merged where only the principal differs: `{"AWS": [a, b]}` admits exactly
 * what a statement for `a` and one for `b` admit, with the same actions and conditions, in about a tenth of the
 * characters (red-team round 85: three runner roles and a permission set made a 2,504-character trust, over IAM's
 * 2,048). Statements whose principal has more than one kind, or a list, are kept as they are; a merged statement
 * keeps the place and Sid of its first, and a principal given twice is named once.
 */
export function mergePrincipals(statements: readonly StatementJson[]): StatementJson[] {
  const out: StatementJson[] = [];
  const byShape = new Map<string, { readonly index: number; readonly kind: string; readonly values: string[] }>();
  for (const st of statements) {
    const p = st.Principal;
    const kinds = p !== undefined && p !== "*" ? Object.keys(p) : [];
    const value = kinds.length === 1 ? (p as Readonly<Record<string, unknown>>)[kinds[0]] : undefined;
    if (typeof value !== "string") {
      out.push(st);
      continue;
    }
    const { Sid: _sid, Principal: _principal, ...rest } = st;
    const shape = `${kinds[0]} ${canonical(rest)}`;
    const group = byShape.get(shape);
    if (!group) {
      byShape.set(shape, { index: out.length, kind: kinds[0], values: [value] });
      out.push(st);
    } else if (!group.values.includes(value)) {
      group.values.push(value);
      out[group.index] = { ...out[group.index], Principal: { [group.kind]: [...group.values] } };
    }
  }
  return out;
}

function withTagSession(
  principal: StatementJson["Principal"],
  sid: string,
  assume: readonly string[],
  conditions: ConditionBlock,
  tagSession: ConditionBlock | undefined,
): StatementJson[] {
  const out: StatementJson[] = [{ Sid: sid, Effect: "Allow", Principal: principal, Action: [...assume], Condition: conditions }];
  if (tagSession) {
    out.push({ Sid: `${sid}Tags`, Effect: "Allow", Principal: principal, Action: "sts:TagSession", Condition: mergeConditions(conditions, tagSession) });
  }
  return out;
}

class RolePrincipal extends AgentPrincipal {
  readonly kind = "role";
  constructor(private readonly arn: string, private readonly externalId?: string) {
    super();
  }
  get partition(): string | undefined {
    return isToken(this.arn) ? undefined : /^arn:([^:]+):/.exec(this.arn)?.[1];
  }
  arnEstimates(scope: IConstruct, partition: string | undefined): ReadonlyMap<string, string> {
    return isToken(this.arn) ? new Map([[this.arn, shortestRoleArn(scope, this.arn, partition)]]) : new Map();
  }
  describe(): string {
    return `role ${this.arn}`;
  }
  statements(sid: string, extra: readonly string[], conditions: ConditionBlock, tagSession?: ConditionBlock): StatementJson[] {
    const c = this.externalId ? mergeConditions(conditions, { StringEquals: { "sts:ExternalId": this.externalId } }) : conditions;
    return withTagSession({ AWS: this.arn }, sid, ["sts:AssumeRole", ...extra], c, tagSession);
  }
}

class OidcPrincipal extends AgentPrincipal {
  readonly kind = "oidc";
  constructor(
    private readonly providerArn: string,
    private readonly host: string,
    private readonly subject: string,
    private readonly audience: string,
    private readonly subjectOperator: "StringLike" | "StringEquals",
  ) {
    super();
  }
  describe(): string {
    return `OIDC subject ${this.subject} of ${this.host}`;
  }
  get partition(): string | undefined {
    return isToken(this.providerArn) ? undefined : /^arn:([^:]+):/.exec(this.providerArn)?.[1];
  }
  arnEstimates(scope: IConstruct, partition: string | undefined): ReadonlyMap<string, string> {
    if (!isToken(this.providerArn)) return new Map();
    // Its url names the host; one given by reference (or a provider outside the app) could be any, so one character.
    const provider = referenced(scope, this.providerArn, "aws_iam_openid_connect_provider") as { urlInput?: unknown; provider?: TerraformProvider } | undefined;
    const url = provider?.urlInput;
    const host = typeof url === "string" && !isToken(url) ? url.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "") || "x" : "x";
    const p = (provider && providerPartition(provider as unknown as IConstruct)) ?? partition ?? "aws";
    return new Map([[this.providerArn, atLeast(this.providerArn, `arn:${p}:iam::000000000000:oidc-provider/${host}`)]]);
  }
  /**
   * A provider given by reference is checked here, once its resource is known: one whose literal url names another
   * host than the trust's condition keys would admit no token, so no job could ever start a session (red-team round
   * 77: a self-managed GitLab's provider passed to gitlabCi without its issuerHost). Nothing to check for a literal
   * ARN (compared when the principal was made) or a provider outside this stack.
   */
  problemsIn(scope: IConstruct): string[] {
    if (!isToken(this.providerArn)) return [];
    const stack = TerraformStack.of(scope);
    const ref = Tokenization.resolve(this.providerArn, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }) as unknown;
    const provider = typeof ref === "string" ? providersOf(scope.node.root).get(ref) : undefined;
    const url = provider?.urlInput;
    if (typeof url !== "string" || isToken(url)) return [];
    const host = url.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
    // IAM compares condition key names without case.
    if (host.toLowerCase() === this.host.toLowerCase() && /^https:\/\//i.test(url)) return [];
    const where = `the OIDC provider ${provider!.node.path} has url ${JSON.stringify(url)}`;
    if (!/^https:\/\//i.test(url)) {
      return [`AgentPrincipal: ${where}: IAM takes only an https:// issuer URL, and the trust compares ${this.host}:sub. Give the provider the issuer's https:// URL`];
    }
    return [
      `AgentPrincipal: ${where}, but the trust compares ${this.host}:sub and ${this.host}:aud: tokens of ${host} never carry those claims, so no job could start a session. ` +
        (/:\d+(\/|$)/.test(host)
          ? `An issuer on a port cannot be trusted this way (gitlabCi refuses one): serve it on the default port, or pass the provider of https://${this.host}`
          : `Set issuerHost to "${host.toLowerCase()}" (gitlabCi and oidc take it), or pass the provider of https://${this.host}`),
    ];
  }

  statements(sid: string, extra: readonly string[], conditions: ConditionBlock, tagSession?: ConditionBlock): StatementJson[] {
    const sub = { [`${this.host}:sub`]: this.subject };
    const c = mergeConditions(
      conditions,
      this.subjectOperator === "StringEquals"
        ? { StringEquals: { [`${this.host}:aud`]: this.audience, ...sub } }
        : { StringEquals: { [`${this.host}:aud`]: this.audience }, StringLike: sub },
    );
    return withTagSession({ Federated: this.providerArn }, sid, ["sts:AssumeRoleWithWebIdentity", ...extra], c, tagSession);
  }
}

class PermissionSetPrincipal extends AgentPrincipal {
  readonly kind = "permission-set";
  constructor(private readonly accountId: string, private readonly name: string, private readonly partition_: string) {
    super();
  }
  describe(): string {
    return `Identity Center permission set ${this.name} in ${this.accountId}`;
  }
  get partition(): string | undefined {
    return this.partition_;
  }
  statements(sid: string, extra: readonly string[], conditions: ConditionBlock, tagSession?: ConditionBlock): StatementJson[] {
    // A Principal cannot hold a wildcard, and the role name ends in a random suffix: trust the account and pin the
    // caller's ARN with a condition. Identity Center names the role AWSReservedSSO_<permission set>_<16 hex digits>
    // and puts it under /aws-reserved/sso.amazonaws.com/, with a region segment for some instances. A `*` before the
    // name or for the suffix would also admit permission sets named <name>_<anything> (names may hold `_`): the
    // suffix is 16 `?`, and the path is written out twice, without and with one segment (role names hold no `/`).
    const role = `AWSReservedSSO_${this.name}_${"?".repeat(16)}`;
    const base = `arn:${this.partition_}:iam::${this.accountId}:role/aws-reserved/sso.amazonaws.com`;
    const c = mergeConditions(conditions, { ArnLike: { "aws:PrincipalArn": [`${base}/${role}`, `${base}/*/${role}`] } });
    return withTagSession({ AWS: `arn:${this.partition_}:iam::${this.accountId}:root` }, sid, ["sts:AssumeRole", ...extra], c, tagSession);
  }
}

const providerIndexes = new WeakMap<IConstruct, Map<string, { readonly urlInput?: unknown; readonly node: IConstruct["node"] }>>();

/**
 * The app's OIDC providers (resources and data sources) by the reference their `arn` resolves to, read once per app:
 * every principal of every AgentRole asks.
 */
function providersOf(root: IConstruct): Map<string, { readonly urlInput?: unknown; readonly node: IConstruct["node"] }> {
  let index = providerIndexes.get(root);
  if (!index) {
    index = new Map();
    for (const c of root.node.findAll()) {
      const r = c as { terraformResourceType?: string; friendlyUniqueId?: string; urlInput?: unknown };
      if (r.terraformResourceType !== "aws_iam_openid_connect_provider") continue;
      const data = c instanceof TerraformDataSource ? "data." : "";
      index.set(`\${${data}${r.terraformResourceType}.${r.friendlyUniqueId}.arn}`, c as { urlInput?: unknown; node: IConstruct["node"] });
    }
    providerIndexes.set(root, index);
  }
  return index;
}

/** The shortest IAM role ARN: the `aws` partition, a 12-digit account, path `/` and a one-character name. */
export const SHORTEST_ROLE_ARN = "arn:aws:iam::000000000000:role/x";

/** Length of the suffix the AWS provider adds to a `name_prefix` (or to `terraform-` when neither name is set). */
const GENERATED_SUFFIX_LENGTH = 26;

/**
 * The shortest ARN a role given by reference can have at apply: an `aws_iam_role` of the app (resource or data
 * source) is read for its literal name and path (a `name_prefix` gets the provider's 26-character suffix, no name at
 * all `terraform-` and one, unless an import or moved block brings an existing role to it: see adopted), and for its
 * provider's region, which names the partition (else `partition`, else `aws`); anything else counts as the shortest
 * role ARN there is. It sizes a trust from below: a longer guess would refuse trusts IAM accepts ("at least").
 */
export function shortestRoleArn(scope: IConstruct, arn: string, partition: string | undefined): string {
  const role = referenced(scope, arn, "aws_iam_role") as
    | { nameInput?: unknown; namePrefixInput?: unknown; pathInput?: unknown }
    | undefined;
  if (!role) return atLeast(arn, partition ? SHORTEST_ROLE_ARN.replace(":aws:", `:${partition}:`) : SHORTEST_ROLE_ARN);
  const data = role instanceof TerraformDataSource;
  const literal = (v: unknown) => (typeof v === "string" && !isToken(v) ? v : undefined);
  const prefix = literal(role.namePrefixInput);
  const name =
    literal(role.nameInput) ??
    (data || isToken(role.nameInput) || isToken(role.namePrefixInput) || (prefix === undefined && adopted(role as unknown as IConstruct))
      ? "x"
      : `${prefix ?? "terraform-"}${"0".repeat(GENERATED_SUFFIX_LENGTH)}`);
  // A data source's path is not an input: `/` is the shortest.
  const path = (data ? undefined : literal(role.pathInput)) ?? "/";
  const p = providerPartition(role as unknown as IConstruct) ?? partition ?? "aws";
  return `arn:${p}:iam::000000000000:role${path}${name}`;
}

/**
 * Whether an import or moved block may bring an existing role to `role`: cdktf's importFrom or moveFromId on it,
 * another resource's moveTo a move target it registered, or an `import` / `moved` override of its stack (which may
 * name any resource). Such a role keeps the name it has (the provider computes `name` when none is written), 1 to 64
 * characters, not `terraform-` and a suffix. What is written after the trust is sized is not seen here; a role
 * with a `name_prefix` is replaced by one with the prefix and the suffix when its name does not match, so it keeps
 * its estimate. Where cdktf's move targets cannot be read, any role may be one.
 */
function adopted(role: IConstruct): boolean {
  const meta = (role as { toMetadata?: () => { imports?: unknown; moved?: unknown } }).toMetadata?.();
  if (meta?.imports !== undefined || meta?.moved !== undefined) return true;
  const stack = TerraformStack.of(role);
  const overrides = (stack as unknown as { rawOverrides?: Record<string, unknown> }).rawOverrides ?? {};
  if (overrides["import"] !== undefined || overrides["moved"] !== undefined) return true;
  const targets = (stack.moveTargets as unknown as { _resourceTargetMap?: unknown })._resourceTargetMap;
  return targets instanceof Map ? [...targets.values()].includes(role) : true;
}

/** The partition of a resource's AWS provider, when its region is literal. */
function providerPartition(resource: IConstruct): string | undefined {
  let region: string | undefined;
  try {
    region = literalProviderRegion(resource, (resource as { provider?: TerraformProvider }).provider);
  } catch {
    return undefined;
  }
  return region === undefined ? undefined : partitionOf(region);
}

/** `estimate`, unless the literal text around the references in `value` is already longer. */
function atLeast(value: string, estimate: string): string {
  const literal = Tokenization.reverseString(value).literals.join("");
  return literal.length > estimate.length ? literal : estimate;
}

/**
 * The resource or data source of type `type` that `value`, a single reference to one of its attributes
 * (`${aws_iam_role.x.arn}`), points to, in the stack the reference was made in or else in the scope's.
 */
function referenced(scope: IConstruct, value: string, type: string): IConstruct | undefined {
  const parts = Tokenization.reverseString(value);
  if (parts.tokens.length !== 1 || parts.literals.some((l) => String(l) !== "")) return undefined;
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    return undefined;
  }
  const ref = Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }) as unknown;
  const m = typeof ref === "string" ? /^\$\{(data\.)?([\w-]+)\.([\w-]+)\.[\w-]+\}$/.exec(ref) : null;
  if (!m || m[2] !== type) return undefined;
  const origin = (parts.tokens[0] as { originStack?: unknown }).originStack;
  const stacks = [origin instanceof TerraformStack ? origin : undefined, stack].filter((s): s is TerraformStack => s !== undefined);
  for (const s of stacks) {
    const found = s.node.findAll().find((c) => {
      const r = c as { terraformResourceType?: string; friendlyUniqueId?: string };
      return r.terraformResourceType === type && r.friendlyUniqueId === m[3] && (c instanceof TerraformDataSource) === (m[1] !== undefined);
    });
    if (found) return found;
  }
  return undefined;
}
