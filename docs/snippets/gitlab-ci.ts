import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AgentPrincipal, AgentRole } from "blastwall";

export function gitlabDeployer(scope: Construct): AgentRole {
  const gitlab = new IamOpenidConnectProvider(scope, "GitLab", { url: "https://gitlab.com", clientIdList: ["sts.amazonaws.com"] });
  const agent = new AgentRole(scope, "Deployer", {
    roleName: "deployer",
    assumedBy: [AgentPrincipal.gitlabCi({ providerArn: gitlab.arn, project: "acme/platform/infra", branch: "main" })],
  });
  new TerraformOutput(scope, "EntryRoleArn", { value: agent.entryRoles[0].arn });
  new TerraformOutput(scope, "AgentRoleArn", { value: agent.roleArn });
  return agent;
}
