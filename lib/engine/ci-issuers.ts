/**
 * An Amazon EKS cluster's OIDC issuer (`oidc.eks.REGION.amazonaws.com/id/ID`): the host is AWS's, in every commercial,
 * GovCloud and China region; the id is the cluster's (upper-case hex in the provider ARN and condition keys, lower case
 * once blastwall folds them).
 */
export const EKS_ISSUER = /^oidc\.eks\.[a-z]+(?:-[a-z]+)+-\d+\.amazonaws\.com(?:\.cn)?\/id\/[0-9a-z]+$/i;

/**
 * OIDC issuers whose tokens never carry the `https://aws.amazon.com/source_identity` claim, the only source identity
 * AssumeRoleWithWebIdentity takes: CI services, and Amazon EKS clusters, whose service account tokens the control plane
 * signs with a fixed claim set that neither the pod nor the cluster owner can extend. The reach analysis reads them (a
 * trust requiring a source identity admits none of their tokens); AgentPrincipal refuses to trust them directly. A
 * self-managed GitLab, GitHub Enterprise Server or Kubernetes cluster has an issuer URL of its own, which nothing tells
 * apart from a company IdP that may write the claim: those are taken as able to.
 * `holder`: who presents the token, for messages.
 */
export const CI_ISSUERS: readonly { readonly host: RegExp; readonly name: string; readonly holder: "job" | "pod" }[] = [
  { host: /^token\.actions\.githubusercontent\.com(\/|$)/, name: "GitHub Actions", holder: "job" },
  { host: /^gitlab\.com$/, name: "GitLab CI", holder: "job" },
  { host: /^oidc\.circleci\.com(\/|$)/, name: "CircleCI", holder: "job" },
  { host: /^api\.bitbucket\.org\//, name: "Bitbucket Pipelines", holder: "job" },
  { host: /^agent\.buildkite\.com$/, name: "Buildkite", holder: "job" },
  { host: /^app\.terraform\.io$/, name: "HCP Terraform", holder: "job" },
  { host: /^vstoken\.dev\.azure\.com(\/|$)/, name: "Azure Pipelines", holder: "job" },
  { host: EKS_ISSUER, name: "Amazon EKS (IRSA)", holder: "pod" },
];

/** The issuer (CI_ISSUERS) whose host `host` is (a trailing slash ignored), or undefined. */
export function ciIssuerOf(host: unknown): (typeof CI_ISSUERS)[number] | undefined {
  return typeof host === "string" ? CI_ISSUERS.find((c) => c.host.test(host.replace(/\/+$/, ""))) : undefined;
}
