/**
 * Red-team round 85 (constructs): trust policies over IAM's role trust policy quota, grantReadOnly on services without
 * one of its read verbs, io1/io2 volumes without iops.
 */
import type { Construct } from "constructs";
import { TerraformStack, Testing } from "cdktf";
import { AgentPrincipal, AgentRole, ProtectedDatabase, ProtectedVolume, ScopedToken } from "../../lib/constructs";
import { catalogueMatches } from "../../lib/constructs/destroy-guard";
import { iamActionProblem } from "../../lib/engine/iam-actions";
import { mergePrincipals } from "../../lib/constructs/agent-principal";
import type { StatementJson } from "../../lib/constructs/policy-document";
import { APP_ACCOUNT, OFFSITE_ARN, errorOf, gateFindings, only, policyOf, resources, stackIn, synth } from "./helpers";

type Obj = Record<string, any>;

const runner = (i: number) => AgentPrincipal.role(`arn:aws:iam::22222222222${i}:role/platform/agent-runner-${i}`);
const runners = (n: number) => Array.from({ length: n }, (_, i) => runner(i));
const permissionSet = (account = "222222222222", permissionSetName = "AgentOperators") => AgentPrincipal.identityCenterPermissionSet({ accountId: account, permissionSetName });
const GITLAB = `arn:aws:iam::${APP_ACCOUNT}:oidc-provider/gitlab.com`;
const gitlab = (branch: string) => AgentPrincipal.gitlabCi({ providerArn: GITLAB, project: "acme/infra", branch });

function trustOf(assumedBy: AgentPrincipal[], extra: Obj = {}): { trust: Obj; text: string; json: Obj } {
  const { json } = synth((s) => new AgentRole(s, "A", { roleName: "coding-agent", assumedBy, ...extra }));
  const role = resources(json, "aws_iam_role").find((r) => r.name === "coding-agent")!;
  return { trust: policyOf(role, "assume_role_policy"), text: role.assume_role_policy, json };
}

/** What a trust admits, one line per principal, action and conditions: equal sets mean the same trust. */
function admitted(statements: readonly Obj[]): string[] {
  const out = new Set<string>();
  for (const st of statements) {
    for (const [kind, value] of Object.entries(st.Principal as Obj)) {
      for (const principal of ([] as string[]).concat(value)) {
        for (const action of ([] as string[]).concat(st.Action)) out.add(`${st.Effect} ${kind}:${principal} ${action} ${JSON.stringify(st.Condition ?? {})}`);
      }
    }
  }
  return [...out].sort();
}

describe("AgentRole's trust policy fits IAM's quota (red-team round 85)", () => {
  it("merges the principals whose statements differ in nothing else, admitting exactly the same sessions", () => {
    const assumedBy = [...runners(3), permissionSet()];
    const { trust, text } = trustOf(assumedBy);
    // One statement pair for the three runners, one for the permission set: 2,504 characters before.
    expect(trust.Statement.map((st: Obj) => st.Sid)).toEqual(["AgentSession0", "AgentSession0Tags", "AgentSession3", "AgentSession3Tags"]);
    expect(trust.Statement[0].Principal).toEqual({ AWS: [0, 1, 2].map((i) => `arn:aws:iam::22222222222${i}:role/platform/agent-runner-${i}`) });
    expect(text.replace(/\s/g, "").length).toBeLessThanOrEqual(2048);
    expect(text).not.toMatch(/\s/);
    // The same sessions as one statement pair per principal, as the role trusted before.
    const conditions = { StringLike: { "sts:SourceIdentity": "agent-*" } };
    const tags = { "ForAllValues:StringEquals": { "aws:TagKeys": ["task", "ticket"] } };
    const separate = assumedBy.flatMap((p, i) => p.statements(`AgentSession${i}`, ["sts:SetSourceIdentity"], conditions, tags));
    expect(separate).toHaveLength(8);
    expect(admitted(trust.Statement)).toEqual(admitted(separate));
  });

  it("keeps a single principal's trust as it was, and never merges statements with other conditions", () => {
    const { trust } = trustOf([runner(0)]);
    expect(trust.Statement[0].Principal).toEqual({ AWS: "arn:aws:iam::222222222220:role/platform/agent-runner-0" });
    // An external id is a condition of its own: only the runners that share it share a statement.
    const withId = (i: number, externalId: string) => AgentPrincipal.role(`arn:aws:iam::22222222222${i}:role/r${i}`, { externalId });
    const { trust: t2 } = trustOf([withId(0, "x-1"), withId(1, "x-2"), withId(2, "x-1"), runner(3)]);
    expect(t2.Statement.filter((st: Obj) => !st.Sid.endsWith("Tags")).map((st: Obj) => st.Principal.AWS)).toEqual([
      ["arn:aws:iam::222222222220:role/r0", "arn:aws:iam::222222222222:role/r2"],
      "arn:aws:iam::222222222221:role/r1",
      "arn:aws:iam::222222222223:role/platform/agent-runner-3",
    ]);
    // Two permission sets of one account trust the same root, with different ArnLike conditions.
    const { trust: t3 } = trustOf([permissionSet("222222222222", "A"), permissionSet("222222222222", "B")]);
    expect(t3.Statement).toHaveLength(4);
  });

  it("mergePrincipals: a principal named twice once, principals of another kind or with a list untouched", () => {
    const st = (Sid: string, Principal: StatementJson["Principal"], Action: string[] = ["sts:AssumeRole"]): StatementJson => ({ Sid, Effect: "Allow", Principal, Action });
    const merged = mergePrincipals([st("A", { AWS: "a" }), st("B", { Federated: "a" }), st("C", { AWS: "a" }), st("D", { AWS: ["b"] }), st("E", { AWS: "c" }), st("F", { AWS: "d" }, ["sts:TagSession"])]);
    expect(merged).toEqual([st("A", { AWS: ["a", "c"] }), st("B", { Federated: "a" }), st("D", { AWS: ["b"] }), st("F", { AWS: "d" }, ["sts:TagSession"])]);
  });

  it("refuses a trust policy over 2,048 characters, naming assumedBy, the size, the quota and what to do", () => {
    // Three permission sets cannot share a statement (each pins its own role ARN): 3,554 characters.
    const message = errorOf(() => trustOf([...runners(2), permissionSet("222222222221"), permissionSet("222222222222"), permissionSet("222222222223")])).message;
    expect(message).toMatch(/^AgentRole: assumedBy makes a trust policy for role coding-agent of 3554 characters \(2 sessionTagKeys: 60; 5 principals: 3494, the most assumedBy\[2\] \(Identity Center permission set AgentOperators in 222222222221\): 966\), over IAM's default role trust policy quota of 2048; IAM refuses the role at apply \(LimitExceeded, ACLSizePerRole\)\. Give the role fewer principals .*split them over two AgentRoles, or raise the account's "Role trust policy length" quota in Service Quotas \(at most 4096\) and set trustPolicySizeLimit to it$/);
    // Six runners and a permission set are 2,078 characters: 30 over.
    expect(errorOf(() => trustOf([...runners(6), permissionSet()])).message).toMatch(/of 2078 characters \(.*\), over IAM's default role trust policy quota of 2048/);
    // Controls: five runners and the permission set fit; with the quota raised, so do the six and the three sets.
    expect(() => trustOf([...runners(5), permissionSet()])).not.toThrow();
    expect(() => trustOf([...runners(6), permissionSet()], { trustPolicySizeLimit: 4096 })).not.toThrow();
    const raised = trustOf([...runners(2), permissionSet("222222222221"), permissionSet("222222222222"), permissionSet("222222222223")], { trustPolicySizeLimit: 4096 });
    expect(gateFindings(raised.json)).toEqual([]);
    expect(errorOf(() => trustOf([...runners(6), permissionSet(), permissionSet("222222222223"), permissionSet("222222222224"), permissionSet("222222222225"), permissionSet("222222222226"), permissionSet("222222222227"), permissionSet("222222222228")], { trustPolicySizeLimit: 4096 })).message)
      .toMatch(/^AgentRole: assumedBy makes a trust policy for role coding-agent of \d{4} characters \(.*\), over trustPolicySizeLimit 4096; /);
  });

  it("validates trustPolicySizeLimit: an integer from 2048 to 4096", () => {
    for (const bad of [1024, 2047, 4097, 8192, 3000.5]) {
      expect(errorOf(() => trustOf([runner(0)], { trustPolicySizeLimit: bad })).message).toMatch(
        new RegExp(`^AgentRole: trustPolicySizeLimit must be between 2048 and 4096 characters \\(got ${bad}\\): IAM's quota for a role trust policy is 2048 characters by default`),
      );
    }
    expect(errorOf(() => trustOf([runner(0)], { trustPolicySizeLimit: "4096" })).message).toMatch(/^AgentRole: trustPolicySizeLimit must be a number, not the string "4096"/);
    for (const good of [2048, 3000, 4096]) expect(() => trustOf([runner(0)], { trustPolicySizeLimit: good })).not.toThrow();
  });

  it("counts an entry role's ARN at its shortest, and checks the entry roles' own trust", () => {
    // Entry roles' ARNs are references until apply: each counts as arn:aws:iam::<12 digits>:role/agent-entry/<name>.
    const branches = (n: number) => Array.from({ length: n }, (_, i) => gitlab(`release-${i}`));
    expect(errorOf(() => trustOf(branches(16))).message).toMatch(/^AgentRole: assumedBy makes a trust policy for role coding-agent of at least 2\d{3} characters \(.*\), over IAM's default role trust policy quota of 2048; /);
    const fits = trustOf(branches(10));
    expect(resources(fits.json, "aws_iam_role")).toHaveLength(11);
    expect(fits.trust.Statement).toHaveLength(2);
    expect(fits.trust.Statement[0].Principal.AWS).toHaveLength(10);
    // An entry role trusts one principal; only a very long claim makes it too long.
    const long = "b".repeat(1300);
    expect(errorOf(() => trustOf([runner(0), gitlab(long)])).message).toMatch(/^AgentRole: assumedBy\[1\] makes a trust policy for its entry role coding-agent-entry of \d{4} characters \(.*\), over IAM's default role trust policy quota of 2048; IAM refuses the role at apply \(LimitExceeded, ACLSizePerRole\)\. Shorten what the principal names/);
    expect(() => trustOf([runner(0), gitlab(long)], { trustPolicySizeLimit: 4096 })).not.toThrow();
    expect(gateFindings(trustOf([gitlab("main")]).json)).toEqual([]);
  });
});

describe("grantReadOnly grants the read verbs a service has (red-team round 85)", () => {
  const agent = (s: Construct) => new AgentRole(s, "A", { roleName: "a", assumedBy: [runner(0)] });
  const readOnly = (service: string): string[] => {
    const { json } = synth((s) => agent(s).grantReadOnly(service));
    return policyOf(only(json, "aws_iam_role_policy")).Statement[0].Action;
  };
  const THREW = "lambda apigateway rds sqs sns eks iam xray elasticloadbalancing autoscaling route53 codepipeline sts elasticache athena firehose bedrock organizations health".split(" ");

  it.each(THREW)("%s: only patterns that match one of its actions, none covering a catalogue action", (service) => {
    const actions = readOnly(service);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      expect(iamActionProblem(a, "")).toBeUndefined();
      expect(catalogueMatches(a)).toEqual([]);
    }
  });

  it("keeps the verbs each has, and still leaves out reads of secrets", () => {
    // lambda:Get* covers GetFunction, which returns the environment variables: left out, the other Get reads granted
    // by narrower patterns (red-team round 86).
    // lambda:List* covers ListFunctions and ListVersionsByFunction, which return the environment too (round 87).
    expect(readOnly("lambda")).not.toContain("lambda:List*");
    expect(readOnly("lambda")).not.toContain("lambda:Get*");
    expect(readOnly("lambda").some((p) => p.startsWith("lambda:List"))).toBe(true);
    expect(readOnly("rds")).toEqual(["rds:Describe*", "rds:List*"]);
    expect(readOnly("sqs")).toEqual(["sqs:List*", "sqs:Get*"]);
    // Controls: a service with all three, and ones whose Get* reads secrets.
    expect(readOnly("cloudwatch")).toEqual(["cloudwatch:Describe*", "cloudwatch:List*", "cloudwatch:Get*"]);
    expect(readOnly("ec2")).toContain("ec2:List*");
    expect(readOnly("ec2")).not.toContain("ec2:Describe*");
    expect(readOnly("ssm").slice(0, 2)).toEqual(["ssm:Describe*", "ssm:List*"]);
    expect(readOnly("secretsmanager")).not.toContain("secretsmanager:Get*");
  });

  it("refuses a service with none of the verbs, or none left, naming grantReadOnly and service", () => {
    expect(errorOf(() => synth((s) => agent(s).grantReadOnly("ec2-instance-connect"))).message).toBe(
      'AgentRole.grantReadOnly: service "ec2-instance-connect" has no Describe, List or Get action: grant its read actions by name with allow()',
    );
    // Lightsail's one verb covers two secret reads: its other Get reads are granted without them (red-team round 86).
    expect(readOnly("lightsail")).not.toContain("lightsail:Get*");
    expect(readOnly("lightsail").length).toBeGreaterThan(5);
  });

  it("ScopedToken takes read patterns as written and names its own prop for one that matches nothing", () => {
    const token = (actions: string[]) => synth((s) => new ScopedToken(s, "T", { name: "t", assumedBy: agent(s), actions, resources: ["*"], allowAnyResource: true, environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" }));
    expect(errorOf(() => token(["sqs:List*", "sqs:Describe*"])).message).toMatch(/^ScopedToken: actions\[1\] "sqs:Describe\*" matches no action of sqs/);
    expect(() => token(["sqs:List*"])).not.toThrow();
  });
});

describe("ProtectedVolume: iops and throughput EC2 refuses at apply (red-team round 85)", () => {
  const volumeBackup = { accountId: APP_ACCOUNT, region: "eu-west-1", offsiteVaultArn: OFFSITE_ARN.replace(":eu-west-1:", ":eu-central-1:") };
  const volume = (extra: Obj) => new ProtectedVolume(stackIn("eu-west-1"), "V", { name: "data", availabilityZone: "eu-west-1a", sizeGiB: 100, backup: volumeBackup, recycleBin: false, ...extra });

  it.each([
    [{ volumeType: "io2" }, 'ProtectedVolume: iops is required for volumeType "io2": EC2 refuses an io2 volume without provisioned IOPS at apply. Set iops (100 to 256,000 for io2), or use gp3, which has a baseline of 3,000'],
    [{ volumeType: "io1" }, 'ProtectedVolume: iops is required for volumeType "io1": EC2 refuses an io1 volume without provisioned IOPS at apply. Set iops (100 to 64,000 for io1)'],
    [{ volumeType: "io2", iops: 50 }, "ProtectedVolume: iops must be between 100 and 256000 IOPS (got 50): what EC2 takes for io2"],
    [{ volumeType: "io1", iops: 100000 }, "ProtectedVolume: iops must be between 100 and 64000 IOPS (got 100000)"],
    [{ iops: 1000 }, "ProtectedVolume: iops must be between 3000 and 80000 IOPS (got 1000): what EC2 takes for gp3"],
    [{ volumeType: "gp2", iops: 3000 }, 'ProtectedVolume: iops applies to gp3, io1 and io2 volumes only (volumeType is "gp2", got iops 3000): EC2 refuses it for gp2 at apply'],
    [{ volumeType: "io2", iops: 3000, throughput: 250 }, 'ProtectedVolume: throughput applies to gp3 volumes only (volumeType is "io2", got throughput 250)'],
    [{ throughput: 100 }, "ProtectedVolume: throughput must be between 125 and 2000 MiB/s (got 100): what EC2 takes for gp3"],
  ])("refuses %j", (extra, message) => {
    expect(errorOf(() => volume(extra)).message.startsWith(message)).toBe(true);
  });

  it.each([
    [{}, {}],
    [{ volumeType: "io2", iops: 3000 }, { type: "io2", iops: 3000 }],
    [{ volumeType: "io1", iops: 100 }, { type: "io1", iops: 100 }],
    [{ iops: 6000, throughput: 250 }, { type: "gp3", iops: 6000, throughput: 250 }],
    [{ volumeType: "st1", sizeGiB: 125 }, { type: "st1", size: 125 }],
  ])("control: accepts %j", (extra, expected) => {
    const v = volume(extra);
    const body = only(JSON.parse(Testing.synth(TerraformStack.of(v))), "aws_ebs_volume");
    expect(body).toMatchObject(expected);
  });
});

describe("ProtectedDatabase: SQL Server Express (red-team round 85)", () => {
  it("stays encrypted with the construct's key: RDS encrypts storage at rest for every engine, Express Edition included", () => {
    const backup = { accountId: APP_ACCOUNT, region: "eu-central-1", offsiteVaultArn: OFFSITE_ARN.replace(/^arn:aws:backup:[^:]+:/, "arn:aws:backup:eu-central-1:") };
    const { json } = synth((s) => new ProtectedDatabase(s, "Db", { identifier: "orders", engine: "sqlserver-ex", instanceClass: "db.t3.small", allocatedStorage: 20, backup }));
    const db = only(json, "aws_db_instance");
    expect(db).toMatchObject({ engine: "sqlserver-ex", storage_encrypted: true });
    expect(db.kms_key_id).toMatch(/aws_kms_key\.Db_Key_\w+\.arn/);
  });
});
