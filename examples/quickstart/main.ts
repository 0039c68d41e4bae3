/**
 * Quickstart: two AI agents in one stack, built from raw provider resources. `careful-agent` may read one
 * bucket, and its permission boundary denies destroy rights; `reckless-agent` was given `ec2:*` "to fix a
 * volume", and no boundary. blastwall passes the first and rejects the second, at synth time and in CI.
 * (The AgentRole construct sets all of this up for you; see examples/single-account.)
 */
import { App, Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { BlastwallChecks } from "blastwall";

const AGENT_TAGS = { "blastwall:agent": "true" };

// Only the agent runner may assume the agents, and only when it names the session `agent-...` (audit trail).
const trustRunner = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:role/agent-runner" },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { StringLike: { "sts:SourceIdentity": "agent-*" } },
    },
  ],
});
const REPORTS = "arn:aws:s3:::example-agent-reports";

export class QuickstartStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "eu-west-1" });

    const boundary = new IamPolicy(this, "agent-boundary", {
      name: "agent-boundary",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Work", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" },
          { Sid: "NeverDestroy", Effect: "Deny", Action: ["ec2:Delete*", "ec2:Terminate*", "rds:Delete*", "s3:Delete*", "backup:Delete*", "iam:*"], Resource: "*" },
        ],
      }),
    });

    const careful = new IamRole(this, "careful-agent", {
      name: "careful-agent",
      path: "/agents/",
      assumeRolePolicy: trustRunner,
      permissionsBoundary: boundary.arn,
      maxSessionDuration: 3600,
      tags: AGENT_TAGS,
    });
    new IamRolePolicy(this, "careful-agent-read", {
      role: careful.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "ReadReports", Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [REPORTS, `${REPORTS}/*`] }],
      }),
    });

    const reckless = new IamRole(this, "reckless-agent", {
      name: "reckless-agent",
      path: "/agents/",
      assumeRolePolicy: trustRunner,
      tags: AGENT_TAGS,
    });
    new IamRolePolicy(this, "reckless-agent-ops", {
      role: reckless.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "FixVolumes", Effect: "Allow", Action: "ec2:*", Resource: "*" }],
      }),
    });
  }
}

/** Adds this example's stacks to an app (the example runner and the tests call this). */
export function defineStacks(app: App): void {
  new QuickstartStack(app, "quickstart");
}

if (require.main === module) {
  const app = new App();
  defineStacks(app);
  Aspects.of(app).add(new BlastwallChecks());
  app.synth();
}
