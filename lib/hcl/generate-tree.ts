/**
 * Writes a large, realistic HCL tree for benchmarks (`npm run bench`): a root module whose resources are
 * spread over several files, and a local `team` module (with a nested `storage` module) instantiated with
 * `for_each`, so parsing, variable / local / output evaluation, `count` / `for_each` expansion and module
 * inlining all take part. About a fifth of the resources are IAM; one team in ten has an AI agent role.
 * Deterministic: the same options give the same files.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

export interface GenerateHclTreeOptions {
  /** Approximate number of resource instances (data sources included) the tree expands to. */
  readonly resources: number;
  /** Resources written per root file (default 400). */
  readonly perFile?: number;
}

export interface GeneratedHclTree {
  readonly dir: string;
  /** Exact number of resource instances `loadHcl` yields (data sources included). */
  readonly resources: number;
  /** Of which IAM resources and policy documents. */
  readonly iamResources: number;
  /** Roles tagged `blastwall:agent = "true"`. */
  readonly agents: number;
  /** `.tf` files written. */
  readonly files: number;
}

/** Resources of one `team` module instance: 5 IAM in the team module, 20 others in its storage module. */
const TEAM_IAM = 5;
const TEAM_STORAGE = 20;
const TEAM_TOTAL = TEAM_IAM + TEAM_STORAGE;

const ROOT_MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  default = "eu-west-1"
}

variable "env" {
  default = "prod"
}

locals {
  prefix = "bench-\${var.env}"
  tags = {
    Environment = var.env
    ManagedBy   = "terraform"
  }
}
`;

const TEAM_VARIABLES = `variable "name" {
  type = string
}

variable "prefix" {
  type = string
}

variable "agent" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
`;

const TEAM_MAIN = `locals {
  role_name = "\${var.prefix}-\${var.name}"
  agent_tags = var.agent ? { "blastwall:agent" = "true" } : {}
}

module "storage" {
  source = "./storage"
  name   = local.role_name
  tags   = var.tags
}

resource "aws_iam_role" "this" {
  name = local.role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = merge(var.tags, local.agent_tags)
}

data "aws_iam_policy_document" "read" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [module.storage.bucket_arn, "\${module.storage.bucket_arn}/*"]
  }
}

resource "aws_iam_policy" "read" {
  name   = "\${local.role_name}-read"
  policy = data.aws_iam_policy_document.read.json
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.this.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_role_policy" "tables" {
  name = "tables"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["dynamodb:GetItem", "dynamodb:PutItem"], Resource = module.storage.table_arns },
    ]
  })
}

output "role_arn" {
  value = aws_iam_role.this.arn
}
`;

const STORAGE = `variable "name" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_s3_bucket" "data" {
  bucket = "\${var.name}-data"
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_dynamodb_table" "table" {
  count    = 6
  name     = "\${var.name}-table-\${count.index}"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
  tags = var.tags
}

resource "aws_sqs_queue" "queue" {
  for_each = toset(["in", "out", "dead"])
  name     = "\${var.name}-\${each.key}"
}

resource "aws_ebs_volume" "disk" {
  count             = 4
  availability_zone = "eu-west-1a"
  size              = 20 + count.index
  tags              = merge(var.tags, { Name = "\${var.name}-disk-\${count.index}" })
}

resource "aws_cloudwatch_log_group" "logs" {
  count             = 5
  name              = "/bench/\${var.name}/\${count.index}"
  retention_in_days = 30
}

output "bucket_arn" {
  value = aws_s3_bucket.data.arn
}

output "table_arns" {
  value = aws_dynamodb_table.table[*].arn
}
`;

/** One directly written root resource; every fifth is IAM. */
function rootResource(i: number): { text: string; iam: boolean } {
  const n = `r${i}`;
  switch (i % 10) {
    case 0:
      return {
        iam: true,
        text: `resource "aws_iam_role" "${n}" {
  name               = "\${local.prefix}-${n}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  tags               = local.tags
}
`,
      };
    case 5:
      return {
        iam: true,
        text: `resource "aws_iam_role_policy" "${n}" {
  name = "${n}"
  role = aws_iam_role.r${i - 5}.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "\${aws_s3_bucket.r${i - 4}.arn}/*" }]
  })
}
`,
      };
    case 1:
    case 6:
      return {
        iam: false,
        text: `resource "aws_s3_bucket" "${n}" {
  bucket = "\${local.prefix}-${n}"
  tags   = local.tags
}
`,
      };
    case 2:
    case 7:
      return {
        iam: false,
        text: `resource "aws_dynamodb_table" "${n}" {
  name     = "\${local.prefix}-${n}"
  hash_key = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
`,
      };
    case 3:
    case 8:
      return {
        iam: false,
        text: `resource "aws_ebs_volume" "${n}" {
  availability_zone = "\${var.region}a"
  size              = ${10 + (i % 90)}
  tags              = merge(local.tags, { Name = "${n}" })
}
`,
      };
    default:
      return {
        iam: false,
        text: `resource "aws_sqs_queue" "${n}" {
  name = "\${local.prefix}-${n}"
}
`,
      };
  }
}

/** Writes the tree under `dir` (created if missing) and says what it holds. */
export function generateHclTree(dir: string, opts: GenerateHclTreeOptions): GeneratedHclTree {
  const total = Math.max(TEAM_TOTAL + 10, Math.floor(opts.resources));
  const perFile = Math.max(10, opts.perFile ?? 400);
  const teams = Math.max(1, Math.floor((total * 0.5) / TEAM_TOTAL));
  // Root resources come in groups of ten (two IAM each), so every reference stays inside its group.
  const direct = Math.max(10, Math.round((total - teams * TEAM_TOTAL) / 10) * 10);

  mkdirSync(join(dir, "modules", "team", "storage"), { recursive: true });
  let files = 0;
  const write = (rel: string, text: string) => {
    writeFileSync(join(dir, rel), text);
    files++;
  };
  write("main.tf", ROOT_MAIN);

  let iam = 0;
  let chunk = "";
  let inChunk = 0;
  let fileNo = 0;
  for (let i = 0; i < direct; i++) {
    const r = rootResource(i);
    if (r.iam) iam++;
    chunk += r.text + "\n";
    inChunk++;
    // Files break only at group boundaries, so a file's references never dangle across a partial group.
    if (inChunk >= perFile && i % 10 === 9) {
      write(`resources-${String(fileNo++).padStart(3, "0")}.tf`, chunk);
      chunk = "";
      inChunk = 0;
    }
  }
  if (chunk !== "") write(`resources-${String(fileNo++).padStart(3, "0")}.tf`, chunk);

  const names = Array.from({ length: teams }, (_, t) => `team${String(t).padStart(4, "0")}`);
  const agents = names.filter((_, t) => t % 10 === 0);
  write(
    "teams.tf",
    `locals {
  teams  = [${names.map((n) => JSON.stringify(n)).join(", ")}]
  agents = [${agents.map((n) => JSON.stringify(n)).join(", ")}]
}

module "team" {
  source   = "./modules/team"
  for_each = toset(local.teams)
  name     = each.key
  prefix   = local.prefix
  agent    = contains(local.agents, each.key)
  tags     = local.tags
}

output "agent_roles" {
  value = [for t in local.agents : module.team[t].role_arn]
}
`,
  );
  write("modules/team/variables.tf", TEAM_VARIABLES);
  write("modules/team/main.tf", TEAM_MAIN);
  write("modules/team/storage/main.tf", STORAGE);
  iam += teams * TEAM_IAM;
  return { dir, resources: direct + teams * TEAM_TOTAL, iamResources: iam, agents: agents.length, files };
}
