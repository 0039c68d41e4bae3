/**
 * HCL text the rule tests share: an agent role as the red team wrote it, and a Lambda execution role that can delete a
 * database (the role a function runs as, for the invoke and shell tests).
 */
export const HCL_AGENT = `resource "aws_iam_role" "agent" {
  name               = "ai-ops-agent"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:role/agent-runner" } }] })
  tags               = { "blastwall:agent" = "true" }
}
`;

export const HCL_DELETING_FN_ROLE = `resource "aws_iam_role" "fn" {
  name               = "cleanup-fn"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "fn" {
  role   = aws_iam_role.fn.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["rds:DeleteDBInstance"], Resource = "*" }] })
}
`;

/** HCL_AGENT allowed to list an SSM parameter's tags: where the credential tests put the copies they look for. */
export const HCL_TAG_READING_AGENT = `${HCL_AGENT}resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["ssm:ListTagsForResource"], Resource = "*" }] })
}
`;
