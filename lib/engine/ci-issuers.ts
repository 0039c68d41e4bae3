/**
 * OIDC issuers of CI services, whose tokens never carry the `https://aws.amazon.com/source_identity` claim, the only
 * source identity AssumeRoleWithWebIdentity takes. The reach analysis reads them (a trust requiring a source identity
 * admits none of their tokens); AgentPrincipal refuses to trust them directly. A self-managed GitLab or GitHub
 * Enterprise Server has a host of its own, and any other issuer (a pod's, a company IdP) may write the claim.
 */
export const CI_ISSUERS: readonly { readonly host: RegExp; readonly name: string }[] = [
  { host: /^token\.actions\.githubusercontent\.com(\/|$)/, name: "GitHub Actions" },
  { host: /^gitlab\.com$/, name: "GitLab CI" },
  { host: /^oidc\.circleci\.com(\/|$)/, name: "CircleCI" },
  { host: /^api\.bitbucket\.org\//, name: "Bitbucket Pipelines" },
  { host: /^agent\.buildkite\.com$/, name: "Buildkite" },
  { host: /^app\.terraform\.io$/, name: "HCP Terraform" },
  { host: /^vstoken\.dev\.azure\.com(\/|$)/, name: "Azure Pipelines" },
];

/** The CI service whose issuer `host` is (a trailing slash ignored), or undefined. */
export function ciIssuerOf(host: unknown): (typeof CI_ISSUERS)[number] | undefined {
  return typeof host === "string" ? CI_ISSUERS.find((c) => c.host.test(host.replace(/\/+$/, ""))) : undefined;
}
