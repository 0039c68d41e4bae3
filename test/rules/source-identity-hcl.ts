/**
 * HCL pieces the agent-source-identity tests for pods (EKS IRSA, EKS Pod Identity) share: a read-only boundary, an
 * agent role, the source identity condition, and the entry-role pattern the rule's fix describes.
 */
import { checkPaths } from "../../lib/check/run-check";
import { allRules } from "../../lib/rules";
import type { Finding } from "../../lib/engine/findings";
import { dir } from "../hcl/helpers";

export const SI_CONDITION = `    condition {
      test     = "StringLike"
      variable = "sts:SourceIdentity"
      values   = ["agent-*"]
    }`;

export const BOUNDARY = `
resource "aws_iam_policy" "boundary" {
  name   = "agent-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }] })
}
`;

/** An agent role (or, untagged, a plain one) named `coding-agent-NAME`, trusting the document `doc`, capped by BOUNDARY. */
export const roleHcl = (name: string, doc: string, tagged = true) => `
resource "aws_iam_role" "${name}" {
  name                 = "coding-agent-${name}"
  assume_role_policy   = ${doc}
  max_session_duration = 3600
  permissions_boundary = aws_iam_policy.boundary.arn
  tags                 = merge({}, { ${tagged ? '"blastwall:agent" = "true"' : '"team" = "agents"'} })
}
`;

/**
 * The entry-role pattern: `aws_iam_role.entry` trusts the pod through `podTrustDoc` and may only start the agent role's
 * sessions; the agent role trusts the entry role and requires the source identity.
 */
export const entryIntoAgentHcl = (podTrustDoc: string) =>
  `
resource "aws_iam_role" "entry" {
  name               = "coding-agent-entry"
  assume_role_policy = ${podTrustDoc}
}
resource "aws_iam_role_policy" "entry" {
  role   = aws_iam_role.entry.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource = aws_iam_role.agent.arn }] })
}
data "aws_iam_policy_document" "agent" {
  statement {
    actions = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.entry.arn]
    }
${SI_CONDITION}
  }
}
` + roleHcl("agent", "data.aws_iam_policy_document.agent.json");

/** Every finding of a folder holding `main.tf`, all rules. */
export async function folderFindings(main: string): Promise<readonly Finding[]> {
  return (await checkPaths([dir({ "main.tf": main })], { config: {}, rules: allRules })).findings;
}

/** The agent-source-identity findings of a folder holding `main.tf`. */
export async function sourceIdentityFindings(main: string): Promise<readonly Finding[]> {
  return (await folderFindings(main)).filter((f) => f.ruleId === "agent-source-identity");
}
