/**
 * AgentPrincipal (a user review): a providerArn that is no OIDC provider ARN wrote `"Federated": "github"`.
 */
import { Lazy } from "cdktf";
import { AgentPrincipal } from "../../lib/constructs";
import { APP_ACCOUNT, errorOf } from "./helpers";

describe("AgentPrincipal.githubActions / oidc: providerArn", () => {
  test.each([
    ["githubActions", () => AgentPrincipal.githubActions({ providerArn: "github", repository: "acme/infra" })],
    ["oidc", () => AgentPrincipal.oidc({ providerArn: "token.actions.githubusercontent.com", issuerHost: "token.actions.githubusercontent.com", subject: "repo:acme/infra:ref:refs/heads/main" })],
  ])("%s refuses a providerArn that is no OIDC provider ARN", (fn, make) => {
    expect(errorOf(make).message).toMatch(new RegExp(`^AgentPrincipal: ${fn}\\(providerArn\\) must be the ARN of an IAM OIDC provider like arn:aws:iam::111111111111:oidc-provider/token\\.actions\\.githubusercontent\\.com \\(got "`));
  });

  test.each([
    ["a literal OIDC provider ARN", `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`],
    ["one in GovCloud", `arn:aws-us-gov:iam::${APP_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`],
    ["a token (an aws_iam_openid_connect_provider's .arn)", Lazy.stringValue({ produce: () => "arn:aws:iam::111111111111:oidc-provider/x" })],
  ])("control: %s is accepted", (_name, providerArn) => {
    expect(() => AgentPrincipal.githubActions({ providerArn, repository: "acme/infra" })).not.toThrow();
  });
});
