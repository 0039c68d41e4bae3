/**
 * Synthetic Terraform JSON for the benchmark: deterministic (seeded), cdk.tf.json-shaped, with the IAM
 * features that cost the engine time: wildcards, NotAction, boundaries, data-source documents, managed policy
 * attachments, and hundreds of agents; plus a reach-heavy organisation of roles with random edges.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Obj = Record<string, unknown>;

const ACTION_POOL = ["s3:GetObject", "s3:List*", "ec2:Describe*", "logs:*", "dynamodb:Query", "ec2:*", "rds:Describe*", "s3:Delete*", "kms:Decrypt", "cloudwatch:Get*", "ssm:GetParameter", "lambda:InvokeFunction"];
const MANAGED = [
  "arn:aws:iam::aws:policy/ReadOnlyAccess",
  "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
  "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess",
];
const OTHER_TYPES: [string, (i: number) => Obj][] = [
  ["aws_s3_bucket", (i) => ({ bucket: `bench-bucket-${i}` })],
  ["aws_ebs_volume", (i) => ({ availability_zone: "eu-west-1a", size: 10 + (i % 50), encrypted: true })],
  ["aws_db_instance", (i) => ({ identifier: `db-${i}`, engine: "postgres", instance_class: "db.t4g.micro", deletion_protection: i % 2 === 0 })],
  ["aws_dynamodb_table", (i) => ({ name: `table-${i}`, hash_key: "pk", billing_mode: "PAY_PER_REQUEST", attribute: [{ name: "pk", type: "S" }] })],
  ["aws_security_group", (i) => ({ name: `sg-${i}`, description: "bench" })],
  ["aws_cloudwatch_log_group", (i) => ({ name: `/bench/${i}`, retention_in_days: 30 })],
  ["aws_sqs_queue", (i) => ({ name: `queue-${i}` })],
];

function meta(path: string): Obj {
  return { "//": { metadata: { path, uniqueId: path.split("/").pop() } } };
}

function put(root: Obj, mode: "resource" | "data", type: string, name: string, body: Obj): void {
  const m = (root[mode] ??= {}) as Obj;
  const t = (m[type] ??= {}) as Obj;
  t[name] = body;
}

function statement(rand: () => number, i: number): Obj {
  const pick = () => ACTION_POOL[Math.floor(rand() * ACTION_POOL.length)];
  const r = rand();
  if (r < 0.1) return { Sid: `NotAct${i}`, Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" };
  if (r < 0.2) return { Sid: `Deny${i}`, Effect: "Deny", Action: ["ec2:Delete*", "rds:Delete*"], Resource: "*" };
  return { Sid: `S${i}`, Effect: "Allow", Action: [pick(), pick()], Resource: r < 0.6 ? "*" : `\${aws_s3_bucket.other_${i}.arn}/*` };
}

/** A stack of about `resources` resources, a fifth or more IAM, every fifth role an agent. */
export function syntheticStack(resources: number, seed = 42): Obj {
  const rand = prng(seed);
  const root: Obj = { "//": { metadata: { stackName: "bench", version: "0.21.0" } }, provider: { aws: [{ region: "eu-west-1" }] }, terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } } };
  const units = Math.max(1, Math.round(resources / 10));
  for (let u = 0; u < units; u++) {
    const agent = u % 5 === 0;
    const role = `role_${u}`;
    put(root, "resource", "aws_iam_role", role, {
      name: `${agent ? "agent" : "svc"}-${u}`,
      path: agent ? "/agents/" : "/",
      assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      ...(u % 3 === 0 ? { permissions_boundary: `\${aws_iam_policy.boundary_${u - (u % 30)}.arn}` } : {}),
      ...(agent ? { tags: { "blastwall:agent": "true" } } : {}),
      ...meta(`bench/${role}`),
    });
    if (u % 30 === 0) {
      put(root, "resource", "aws_iam_policy", `boundary_${u}`, {
        name: `boundary-${u}`,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: ["ec2:Delete*", "ec2:Terminate*", "rds:Delete*", "s3:Delete*", "iam:*"], Resource: "*" }] }),
        ...meta(`bench/boundary_${u}`),
      });
    }
    if (u % 2 === 0) {
      put(root, "resource", "aws_iam_role_policy", `inline_${u}`, {
        role: `\${aws_iam_role.${role}.name}`,
        name: `inline-${u}`,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement(rand, u), statement(rand, u + 1)] }),
        ...meta(`bench/inline_${u}`),
      });
    } else {
      put(root, "data", "aws_iam_policy_document", `doc_${u}`, {
        statement: [
          { sid: "Read", effect: "Allow", actions: ["s3:GetObject", "s3:ListBucket"], resources: [`\${aws_s3_bucket.other_${u}.arn}`] },
          { sid: "NoDelete", effect: "Deny", actions: ["s3:DeleteBucket"], resources: ["*"] },
        ],
      });
      put(root, "resource", "aws_iam_role_policy", `inline_${u}`, { role: `\${aws_iam_role.${role}.id}`, policy: `\${data.aws_iam_policy_document.doc_${u}.json}`, ...meta(`bench/inline_${u}`) });
    }
    put(root, "resource", "aws_iam_role_policy_attachment", `managed_${u}`, {
      role: `\${aws_iam_role.${role}.name}`,
      policy_arn: MANAGED[Math.floor(rand() * (agent ? 2 : MANAGED.length))],
      ...meta(`bench/managed_${u}`),
    });
    for (let k = 0; k < 7; k++) {
      const [type, body] = OTHER_TYPES[(u + k) % OTHER_TYPES.length];
      const name = k === 0 ? `other_${u}` : `${type.slice(4)}_${u}_${k}`;
      const finalType = k === 0 ? "aws_s3_bucket" : type;
      put(root, "resource", finalType, name, { ...(k === 0 ? { bucket: `bench-${u}` } : body(u * 7 + k)), ...meta(`bench/${name}`) });
    }
  }
  return root;
}

/**
 * An organisation of `roles` roles with random trust and assume-role edges (cycles included), pass-role edges to
 * Lambda-trusting roles, secrets holding access keys, and `agents` agents. Returns the JSON and its edge count.
 */
export function reachStack(roles: number, agents: number, seed = 7): { json: Obj; edges: number } {
  const rand = prng(seed);
  const root: Obj = { provider: { aws: [{ region: "eu-west-1" }] } };
  let edges = 0;
  const arn = (i: number) => `\${aws_iam_role.r${i}.arn}`;
  for (let i = 0; i < roles; i++) {
    const trusted = [arn(Math.floor(rand() * roles)), arn(Math.floor(rand() * roles))];
    const lambda = i % 10 === 0;
    put(root, "resource", "aws_iam_role", `r${i}`, {
      name: `r${i}`,
      assume_role_policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: lambda ? { Service: "lambda.amazonaws.com" } : { AWS: trusted }, Action: "sts:AssumeRole" }],
      }),
      ...(i < agents ? { tags: { "blastwall:agent": "true" } } : {}),
    });
    const targets = [Math.floor(rand() * roles), Math.floor(rand() * roles), Math.floor(rand() * roles)];
    const statements: Obj[] = [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: targets.map(arn) }];
    edges += targets.length;
    if (i % 7 === 0) {
      const p = Math.floor(rand() * roles / 10) * 10;
      statements.push({ Effect: "Allow", Action: ["iam:PassRole"], Resource: arn(p) }, { Effect: "Allow", Action: ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" });
      edges++;
    }
    if (i % 11 === 0) {
      statements.push({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `\${aws_secretsmanager_secret.s${i}.arn}` });
      put(root, "resource", "aws_iam_user", `u${i}`, { name: `u${i}` });
      put(root, "resource", "aws_iam_access_key", `k${i}`, { user: `\${aws_iam_user.u${i}.name}` });
      put(root, "resource", "aws_secretsmanager_secret", `s${i}`, { name: `s${i}` });
      put(root, "resource", "aws_secretsmanager_secret_version", `v${i}`, { secret_id: `\${aws_secretsmanager_secret.s${i}.id}`, secret_string: `\${aws_iam_access_key.k${i}.secret}` });
      edges++;
    }
    if (i % 13 === 0) statements.push({ Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" });
    put(root, "resource", "aws_iam_role_policy", `p${i}`, { role: `\${aws_iam_role.r${i}.name}`, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
  }
  return { json: root, edges };
}

/**
 * A cdktf.out of `count` small stacks, as an app that instantiates one construct per team writes it: four roles each,
 * names known only in part (`name_prefix`), the first an agent, every trust naming the next stack's roles by a
 * pattern and every role allowed to assume any role of the stacks. Cross-stack matching is what such a run spends.
 */
export function manyStacks(dir: string, count: number): void {
  const stacks: Obj = {};
  for (let s = 0; s < count; s++) {
    const role: Obj = {};
    const policy: Obj = {};
    for (let r = 0; r < 4; r++) {
      const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::111111111111:role/s${(s + 1) % count}r*` }, Action: "sts:AssumeRole" }] };
      role[`r${r}`] = { name_prefix: `s${s}r${r}`, assume_role_policy: JSON.stringify(trust), ...(r === 0 ? { tags: { "blastwall:agent": "true" } } : {}) };
      const rights = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/s*" }, { Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
      policy[`p${r}`] = { role: `\${aws_iam_role.r${r}.name}`, policy: JSON.stringify(rights) };
    }
    const path = `stacks/s${s}/cdk.tf.json`;
    mkdirSync(join(dir, `stacks/s${s}`), { recursive: true });
    writeJson(join(dir, path), { "//": { metadata: { stackName: `s${s}`, version: "0.21.0" } }, provider: { aws: [{ region: "eu-west-1" }] }, resource: { aws_iam_role: role, aws_iam_role_policy: policy } });
    stacks[`s${s}`] = { name: `s${s}`, synthesizedStackPath: path, workingDirectory: `stacks/s${s}` };
  }
  writeJson(join(dir, "manifest.json"), { version: "0.21.0", stacks });
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value));
}
