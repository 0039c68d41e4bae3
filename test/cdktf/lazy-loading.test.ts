/**
 * The synth-time gate loads into every `cdktf synth`, where each module costs a compile (lib/engine/lazy.ts): code
 * only some stacks need loads when a stack needs it. This pins that, on the compiled package in a fresh process, and
 * that a stack which does need it is judged as the engine judges it in process.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";
import { DESTROY, anywhereRole, cognito, stack, type Obj } from "../helpers/cognito";

const ROOT = join(__dirname, "..", "..");

/** Modules a stack of plain service roles, buckets and volumes does not need. */
const LAZY = [
  "check/peer-stacks",
  "engine/reach/identity-pools",
  "engine/reach/cognito-own-identity",
  "engine/reach/roles-anywhere",
  "engine/reach/clusters",
  "engine/reach/fetched-sources",
  "engine/reach/emr-sources",
  "engine/reach/database-passwords",
  "plan/cfn-template",
];

/** A stack as the synth bench writes it: roles trusting Lambda (every tenth an agent), with inline policies, buckets and volumes. */
function plainStack(): Obj {
  const resource: Record<string, Record<string, Obj>> = { aws_iam_role: {}, aws_iam_role_policy: {}, aws_s3_bucket: {}, aws_ebs_volume: {} };
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  for (let i = 0; i < 20; i++) {
    resource.aws_iam_role[`role${i}`] = { name: `role-${i}`, assume_role_policy: trust, ...(i % 10 === 0 ? { tags: { "blastwall:agent": "true" } } : {}) };
    resource.aws_iam_role_policy[`policy${i}`] = { role: `\${aws_iam_role.role${i}.name}`, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "ec2:DeleteVolume"], Resource: "*" }] }) };
    resource.aws_s3_bucket[`bucket${i}`] = { bucket: `bench-${i}` };
    resource.aws_ebs_volume[`vol${i}`] = { availability_zone: "eu-west-1a", size: 10 };
  }
  return { provider: { aws: [{ region: "eu-west-1" }] }, resource };
}

/** In a fresh process: which LAZY modules the package root loads, then checking each stack in turn, with its findings. */
function inChild(stacks: Obj[]): { loaded: string[][]; findings: unknown[] } {
  const dir = mkdtempSync(join(tmpdir(), "blastwall-lazy-"));
  const files = stacks.map((s, i) => {
    const f = join(dir, `s${i}.tf.json`);
    writeFileSync(f, JSON.stringify(s));
    return f;
  });
  const script = `
    const lazy = ${JSON.stringify(LAZY)};
    const loaded = () => lazy.filter((m) => Object.keys(require.cache).some((k) => k.replace(/\\\\/g, "/").endsWith("/dist/lib/" + m + ".js")));
    const b = require("./dist/lib/index.js");
    const out = { loaded: [loaded()], findings: [] };
    for (const f of ${JSON.stringify(files)}) {
      const json = JSON.parse(require("fs").readFileSync(f, "utf8"));
      out.findings.push(b.checkStacks([b.buildStack(json, "main.tf.json")], { config: {} }).findings);
      out.loaded.push(loaded());
    }
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
}

const inProcess = (json: Obj) => JSON.parse(JSON.stringify(checkStacks([buildStack(json, "main.tf.json")], { config: {} }).findings));

describe("the gate loads code for rarer resources on first use", () => {
  const plain = plainStack();
  const pools = stack([], cognito({ adminOnly: false }));
  const anchor = { "aws_rolesanywhere_trust_anchor.a": { name: "a", source: { source_type: "CERTIFICATE_BUNDLE", source_data: { x509_certificate_data: "-----BEGIN CERTIFICATE-----" } } } };
  const anywhere = stack([{ Effect: "Allow", Action: "rolesanywhere:UpdateTrustAnchor", Resource: "*" }], { ...anywhereRole, ...anchor });
  const nodes = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const eks = stack([{ Effect: "Allow", Action: "eks:CreateAccessEntry", Resource: "*" }], {
    "aws_eks_cluster.c": { name: "c", role_arn: "arn:aws:iam::111111111111:role/cluster" },
    "aws_iam_role.nodes": { name: "nodes", assume_role_policy: nodes },
    "aws_iam_role_policy.nodes": { role: "${aws_iam_role.nodes.name}", policy: DESTROY },
    "aws_eks_node_group.ng": { cluster_name: "${aws_eks_cluster.c.name}", node_role_arn: "${aws_iam_role.nodes.arn}" },
  });
  const template = JSON.stringify({ Resources: { Ops: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] } } } } });
  const cfn = stack([], { "aws_cloudformation_stack.s": { name: "s", template_body: template, capabilities: ["CAPABILITY_IAM"] } });
  const child = inChild([plain, pools, anywhere, eks, cfn]);

  test("requiring the package root and checking a stack of service roles, buckets and volumes loads none of it", () => {
    expect(child.loaded[0]).toEqual([]);
    expect(child.loaded[1]).toEqual([]);
    expect(child.findings[0]).toEqual(inProcess(plain));
  });

  test("an identity pool that hands its role to anyone loads the identity pool code, and is judged as before", () => {
    expect(child.loaded[2]).toEqual(expect.arrayContaining(["engine/reach/identity-pools", "engine/reach/cognito-own-identity"]));
    const findings = child.findings[1] as { ruleId: string; severity: string; resource: string }[];
    expect(findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource)).toEqual(["aws_iam_role.member"]);
    expect(findings).toEqual(inProcess(pools));
  });

  test("a role Roles Anywhere sessions may take loads the Roles Anywhere code, and is judged as before", () => {
    expect(child.loaded[3]).toContain("engine/reach/roles-anywhere");
    const findings = child.findings[2] as { ruleId: string; severity: string; resource: string }[];
    expect(findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource)).toEqual(["aws_iam_role.onprem"]);
    expect(findings).toEqual(inProcess(anywhere));
  });

  test("a principal that may administer an EKS cluster loads the cluster code, and is judged as before", () => {
    expect(child.loaded[4]).toContain("engine/reach/clusters");
    const findings = child.findings[3] as { ruleId: string; severity: string; resource: string }[];
    expect(findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error").map((f) => f.resource)).toEqual(["aws_iam_role.nodes"]);
    expect(findings).toEqual(inProcess(eks));
  });

  test("a CloudFormation stack that creates an IAM role loads the template reader (and its YAML parser), and is judged as before", () => {
    expect(child.loaded[5]).toContain("plan/cfn-template");
    const findings = child.findings[4] as { ruleId: string; resource: string }[];
    expect(findings.filter((f) => f.ruleId === "unmodelled-iam").map((f) => f.resource)).toEqual(["aws_cloudformation_stack.s"]);
    expect(findings).toEqual(inProcess(cfn));
  });
});

test("credentials.ts asks a principal's reads of the store types a password is read back from before loading database-passwords: the same types", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { READ_BACK_STORES } = require("../../lib/engine/reach/credentials") as typeof import("../../lib/engine/reach/credentials");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { READ_BACK_STORE_TYPES, READ_BACKS } = require("../../lib/engine/reach/database-passwords") as typeof import("../../lib/engine/reach/database-passwords");
  expect([...READ_BACK_STORES].sort()).toEqual([...READ_BACK_STORE_TYPES].sort());
  expect([...new Set(Object.values(READ_BACKS).map((r) => r.store))].sort()).toEqual([...READ_BACK_STORE_TYPES].sort());
});
