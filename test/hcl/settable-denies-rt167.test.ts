/**
 * Red-team round 167, F1: a Deny made only by a `dynamic "statement"` block over a variable was relied on when its
 * document had no literal `statement` of its own: in the reading with root variables unknown the block is not expanded,
 * so that reading had no `statement` argument at all, and the document fell back to the default reading's statements.
 * `-var read_only=false` makes the block produce nothing, and the boundary it was merged into allows everything. The
 * other reading now decides the document's own arguments: a statement it lacks is not relied on. Literal statements
 * beside such a block, and a block over a literal local, are still relied on.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { analyzeStack } from "../../lib/engine/analyze";
import type { Finding } from "../../lib/engine/findings";
import { loadHclStack } from "../../lib/hcl/load-hcl";
import { allRules } from "../../lib/rules";

/** The report's d8: the only Deny of the boundary comes from a dynamic block over var.read_only. */
const DYNAMIC_ONLY = "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [\"111111111111\"]\n}\nvariable \"read_only\" {\n  type    = bool\n  default = true\n}\ndata \"aws_iam_policy_document\" \"guard\" {\n  dynamic \"statement\" {\n    for_each = var.read_only ? [1] : []\n    content {\n      effect      = \"Deny\"\n      not_actions = [\"s3:GetObject\", \"s3:ListBucket\"]\n      resources   = [\"*\"]\n    }\n  }\n}\ndata \"aws_iam_policy_document\" \"boundary\" {\n  source_policy_documents = [data.aws_iam_policy_document.guard.json]\n  statement {\n    sid       = \"Ceiling\"\n    effect    = \"Allow\"\n    actions   = [\"*\"]\n    resources = [\"*\"]\n  }\n}\nresource \"aws_iam_policy\" \"boundary\" {\n  name   = \"agent-boundary\"\n  policy = data.aws_iam_policy_document.boundary.json\n}\nresource \"aws_iam_role\" \"agent\" {\n  name                 = \"agent\"\n  path                 = \"/agents/\"\n  permissions_boundary = aws_iam_policy.boundary.arn\n  assume_role_policy   = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111111111111:role/runner\" }, Action = [\"sts:AssumeRole\", \"sts:SetSourceIdentity\"], Condition = { StringLike = { \"sts:SourceIdentity\" = \"agent-*\" } } }] })\n}\nresource \"aws_iam_role_policy\" \"work\" {\n  role   = aws_iam_role.agent.name\n  name   = \"work\"\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}\n";
/** The report's d8j: the same stack as Terraform JSON in a folder. */
const DYNAMIC_ONLY_JSON = "{\n  \"provider\": { \"aws\": [{ \"region\": \"us-east-1\", \"allowed_account_ids\": [\"111111111111\"] }] },\n  \"variable\": { \"read_only\": { \"type\": \"bool\", \"default\": true } },\n  \"data\": { \"aws_iam_policy_document\": {\n    \"guard\": { \"dynamic\": { \"statement\": { \"for_each\": \"${var.read_only ? [1] : []}\", \"content\": { \"effect\": \"Deny\", \"not_actions\": [\"s3:GetObject\", \"s3:ListBucket\"], \"resources\": [\"*\"] } } } },\n    \"boundary\": { \"source_policy_documents\": [\"${data.aws_iam_policy_document.guard.json}\"], \"statement\": [{ \"sid\": \"Ceiling\", \"effect\": \"Allow\", \"actions\": [\"*\"], \"resources\": [\"*\"] }] }\n  } },\n  \"resource\": {\n    \"aws_iam_policy\": { \"boundary\": { \"name\": \"agent-boundary\", \"policy\": \"${data.aws_iam_policy_document.boundary.json}\" } },\n    \"aws_iam_role\": { \"agent\": { \"name\": \"agent\", \"path\": \"/agents/\", \"permissions_boundary\": \"${aws_iam_policy.boundary.arn}\",\n      \"assume_role_policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::111111111111:role/runner\\\"},\\\"Action\\\":[\\\"sts:AssumeRole\\\",\\\"sts:SetSourceIdentity\\\"],\\\"Condition\\\":{\\\"StringLike\\\":{\\\"sts:SourceIdentity\\\":\\\"agent-*\\\"}}}]}\" } },\n    \"aws_iam_role_policy\": {\n      \"work\": { \"role\": \"${aws_iam_role.agent.name}\", \"name\": \"work\", \"policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"s3:*\\\",\\\"Resource\\\":\\\"*\\\"}]}\" }\n    }\n  }\n}\n";
/** The report's d1: a literal Deny statement beside a dynamic block over a variable. */
const LITERAL_BESIDE = "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [\"111111111111\"]\n}\nvariable \"extra\" {\n  type    = list(string)\n  default = []\n}\nresource \"aws_iam_role\" \"agent\" {\n  name               = \"agent\"\n  path               = \"/agents/\"\n  assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111111111111:role/runner\" }, Action = \"sts:AssumeRole\" }] })\n}\nresource \"aws_iam_role_policy\" \"work\" {\n  role   = aws_iam_role.agent.name\n  name   = \"work\"\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}\ndata \"aws_iam_policy_document\" \"guard\" {\n  statement {\n    effect      = \"Deny\"\n    not_actions = [\"s3:GetObject\", \"s3:ListBucket\"]\n    resources   = [\"*\"]\n  }\n  dynamic \"statement\" {\n    for_each = var.extra\n    content {\n      effect    = \"Allow\"\n      actions   = [statement.value]\n      resources = [\"*\"]\n    }\n  }\n}\nresource \"aws_iam_role_policy\" \"guard\" {\n  role   = aws_iam_role.agent.name\n  name   = \"guard\"\n  policy = data.aws_iam_policy_document.guard.json\n}\n";
/** The report's d4: the Deny made by a dynamic block over a literal local. */
const OVER_LITERAL_LOCAL = "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [\"111111111111\"]\n}\nvariable \"denied\" {\n  type    = list(list(string))\n  default = [[\"s3:GetObject\", \"s3:ListBucket\"]]\n}\nresource \"aws_iam_role\" \"agent\" {\n  name               = \"agent\"\n  path               = \"/agents/\"\n  assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111111111111:role/runner\" }, Action = \"sts:AssumeRole\" }] })\n}\nresource \"aws_iam_role_policy\" \"work\" {\n  role   = aws_iam_role.agent.name\n  name   = \"work\"\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}\ndata \"aws_iam_policy_document\" \"guard\" {\n  dynamic \"statement\" {\n    for_each = local.denied\n    content {\n      effect      = \"Deny\"\n      not_actions = statement.value\n      resources   = [\"*\"]\n    }\n  }\n}\nresource \"aws_iam_role_policy\" \"guard\" {\n  role   = aws_iam_role.agent.name\n  name   = \"guard\"\n  policy = data.aws_iam_policy_document.guard.json\n}\nlocals {\n  denied = [[\"s3:GetObject\", \"s3:ListBucket\"]]\n}\n";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bw-settable-deny-167-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function destroyRights(name: string, text: string): Promise<Finding[]> {
  writeFileSync(join(dir, name), text);
  const stack = await loadHclStack(dir);
  return analyzeStack(stack, { config: {}, rules: allRules }).findings.filter((f) => f.ruleId === "agent-destroy-right" && f.principal === "aws_iam_role.agent");
}

describe("167 F1: a Deny only a dynamic block over a variable makes is not relied on", () => {
  test("HCL: the boundary's Deny comes from the dynamic block alone: the agent's s3:* is reported", async () => {
    const found = await destroyRights("main.tf", DYNAMIC_ONLY);
    expect(found.length).toBeGreaterThan(0);
    expect(found.flatMap((f) => f.actions).some((a) => /^s3:Delete/i.test(a))).toBe(true);
  });

  test("Terraform JSON in a folder: the same", async () => {
    const found = await destroyRights("main.tf.json", DYNAMIC_ONLY_JSON);
    expect(found.length).toBeGreaterThan(0);
  });

  test("control: a literal Deny statement beside a dynamic block over a variable is still relied on", async () => {
    expect(await destroyRights("main.tf", LITERAL_BESIDE)).toEqual([]);
  });

  test("control: a dynamic block over a literal local is still relied on", async () => {
    expect(await destroyRights("main.tf", OVER_LITERAL_LOCAL)).toEqual([]);
  });
});
