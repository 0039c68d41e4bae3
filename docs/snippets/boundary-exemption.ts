import type { Construct } from "constructs";
import { AgentPrincipal, AgentRole } from "blastwall";

export function logShipper(scope: Construct): AgentRole {
  const agent = new AgentRole(scope, "LogShipper", {
    roleName: "log-shipper",
    assumedBy: [AgentPrincipal.role("arn:aws:iam::111111111111:role/agent-runner")],
    boundaryExemptions: [{ action: "logs:PutSubscriptionFilter", reason: "ships the audit log groups to the SIEM (SEC-142)", expires: "2027-06-30" }],
  });
  return agent.allow({ actions: ["logs:PutSubscriptionFilter"], resources: ["arn:aws:logs:eu-central-1:111111111111:log-group:/audit/*"] });
}
