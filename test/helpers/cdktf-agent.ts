/**
 * A hand-written agent in a cdktf stack (no AgentRole): a role under /agents/, tagged an agent, whose trust admits a
 * human role's sessions with a source identity, and whose boundary (`coder-boundary`) allows `boundaryActions`. The
 * synth-time tests of what other stacks do to an agent build it so the agent is marked as the engine reads marks.
 */
import type { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

export function handWrittenAgent(scope: Construct, account: string, boundaryActions: readonly string[]): IamRole {
  const boundary = new IamPolicy(scope, "Boundary", {
    name: "coder-boundary",
    path: "/agents/",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: boundaryActions, Resource: "*" }] }),
  });
  return new IamRole(scope, "Coder", {
    name: "coder",
    path: "/agents/",
    maxSessionDuration: 3600,
    permissionsBoundary: boundary.arn,
    tags: { "blastwall:agent": "true" },
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Principal: { AWS: `arn:aws:iam::${account}:role/human` }, Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } } }],
    }),
  });
}
