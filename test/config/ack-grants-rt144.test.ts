/**
 * What a finding's `grants` digest covers beyond the granting Allows (red-team round 144): the permission boundary and
 * the principal's Denies (F1, F2), an unread module call's inputs (F3, in ack-grants.test.ts and here for HCL), what an
 * unresolved reference points to (F4), the principal's provider (F5), action names in any case (L3), and the stack of
 * the entry the unpinned warning offers (L1).
 */
import { checkPaths, checkStacks } from "../../lib/check/run-check";
import { buildStack } from "../../lib/engine/terraform/stack";
import { agentRules, allRules } from "../../lib/rules";
import { rule as unknownModule } from "../../lib/rules/unknown-module";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import type { Finding } from "../../lib/engine/findings";
import { agentRole, check, policy, tf } from "../helpers/tf";
import { dir } from "../hcl/helpers";

type Entry = NonNullable<BlastwallConfig["acknowledgements"]>[number];
type Obj = Record<string, unknown>;

const NOW = new Date("2026-11-26T12:00:00Z");
const DELETE = { Sid: "Volumes", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*" };
const SCRATCH_ONLY = { Sid: "ScratchOnly", Effect: "Deny", Action: ["ec2:DeleteVolume"], Resource: "*", Condition: { StringNotEquals: { "aws:ResourceTag/env": "scratch" } } };
const READS = { Sid: "Reads", Effect: "Allow", Action: ["ec2:Describe*"], Resource: "*" };
const SCRATCH_DELETES = { Sid: "Deletes", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "scratch" } } };

/** The janitor agent with the policy `ops` (and more policies), a boundary when given, and the extra blocks. */
function janitor(ops: Obj[], opts: { boundary?: Obj[]; more?: Record<string, Obj[]>; blocks?: Record<string, Obj>; extra?: Obj } = {}): Obj {
  const entries: Record<string, Obj> = {
    "aws_iam_role.janitor": agentRole({ name: "janitor", ...(opts.boundary ? { permissions_boundary: "${aws_iam_policy.boundary.arn}" } : {}) }),
    "aws_iam_role_policy.ops": { name: "ops", role: "${aws_iam_role.janitor.name}", policy: policy(...ops) },
    ...(opts.boundary ? { "aws_iam_policy.boundary": { name: "agent-boundary", policy: policy(...opts.boundary) } } : {}),
    ...opts.blocks,
  };
  for (const [name, st] of Object.entries(opts.more ?? {})) entries[`aws_iam_role_policy.${name}`] = { name, role: "${aws_iam_role.janitor.name}", policy: policy(...st) };
  return tf(entries, opts.extra ?? {});
}

// Every rule: agent-role-boundary is one of the protection rules.
const findingsOf = (json: Obj, config: BlastwallConfig = {}) => check(json, config, { now: NOW, rules: allRules }).findings;
const one = (json: Obj, ruleId: string, config: BlastwallConfig = {}): Finding => {
  const fs = findingsOf(json, config).filter((f) => f.ruleId === ruleId);
  expect(fs).toHaveLength(1);
  return fs[0];
};
const destroyGrants = (json: Obj) => one(json, "agent-destroy-right").grants!;
const boundaryFinding = (json: Obj) => findingsOf(json).find((f) => f.ruleId === "agent-role-boundary" && f.resource.endsWith(".permissions_boundary"));

describe("a boundary that allows too much (agent-role-boundary, red-team round 144 F1)", () => {
  const reviewed = janitor([DELETE], { boundary: [READS, SCRATCH_DELETES] });

  test("the digest is of the boundary document: replaced by Allow *, it is another digest, and a pinned acknowledgement no longer covers it", () => {
    const f = boundaryFinding(reviewed)!;
    expect(f).toBeDefined();
    const widened = janitor([DELETE], { boundary: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const entry: Entry = { ruleId: "agent-role-boundary", principal: "aws_iam_role.janitor", grants: f.grants, reason: "boundary reviewed: only reads and scratch volume deletes" };
    const after = findingsOf(widened, { acknowledgements: [entry] }).find((x) => x.ruleId === "agent-role-boundary")!;
    expect(after.grants).not.toBe(f.grants);
    expect(after.acknowledged).toBeUndefined();
    expect(after.message).toContain("(aws_iam_role.janitor.permissions_boundary: the permission boundary's document, the principal's policies and its provider) changed");
  });

  test("a condition dropped from the boundary's Allow is another digest", () => {
    const { Condition: _c, ...unconditional } = SCRATCH_DELETES;
    void _c;
    expect(boundaryFinding(janitor([DELETE], { boundary: [READS, unconditional] }))!.grants).not.toBe(boundaryFinding(reviewed)!.grants);
  });

  test("the control: the same boundary with its statements in another order and other Sids has the same digest", () => {
    const again = janitor([DELETE], { boundary: [{ ...SCRATCH_DELETES, Sid: "Scratch" }, READS] });
    expect(boundaryFinding(again)!.grants).toBe(boundaryFinding(reviewed)!.grants);
    expect(boundaryFinding(janitor([DELETE], { boundary: [READS, SCRATCH_DELETES] }))!.grants).toBe(boundaryFinding(reviewed)!.grants);
  });
});

describe("a right's digest covers the principal's Denies and its boundary (red-team round 144 F2)", () => {
  test("the conditional Deny that limited the right removed: another digest, and the pinned acknowledgement no longer covers it", () => {
    const reviewed = janitor([DELETE, SCRATCH_ONLY]);
    const entry: Entry = { ruleId: "agent-destroy-right", principal: "aws_iam_role.janitor", actions: ["ec2:DeleteVolume"], grants: destroyGrants(reviewed), reason: "Deny limits deletes to env=scratch volumes; reviewed" };
    expect(one(reviewed, "agent-destroy-right", { acknowledgements: [entry] }).acknowledged).toBeDefined();
    const f = one(janitor([DELETE]), "agent-destroy-right", { acknowledgements: [entry] });
    expect(f.acknowledged).toBeUndefined();
    expect(f.message).toContain("or what caps or places them did (another statement of the principal's policies, a Deny among them, its permission boundary, its provider's account or region)");
  });

  test("a Deny of another of the principal's policies counts too: its condition changed is another digest", () => {
    const g = destroyGrants(janitor([DELETE], { more: { guard: [SCRATCH_ONLY] } }));
    const loosened = { ...SCRATCH_ONLY, Condition: { StringNotLike: { "aws:ResourceTag/env": "*" } } };
    expect(destroyGrants(janitor([DELETE], { more: { guard: [loosened] } }))).not.toBe(g);
  });

  test("the boundary's Deny removed, or its Allow's condition dropped: another digest", () => {
    const denyProd = { Sid: "NotProd", Effect: "Deny", Action: ["ec2:DeleteVolume"], Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } } };
    const all = { Effect: "Allow", Action: "*", Resource: "*" };
    const g = destroyGrants(janitor([DELETE], { boundary: [all, denyProd] }));
    expect(destroyGrants(janitor([DELETE], { boundary: [all] }))).not.toBe(g);
    const { Condition: _c, ...unconditional } = SCRATCH_DELETES;
    void _c;
    expect(destroyGrants(janitor([DELETE], { boundary: [READS, unconditional] }))).not.toBe(destroyGrants(janitor([DELETE], { boundary: [READS, SCRATCH_DELETES] })));
  });

  test("the control: the same Deny moved to another policy of the principal, or the stack checked again, keeps the digest", () => {
    const g = destroyGrants(janitor([DELETE, SCRATCH_ONLY]));
    expect(destroyGrants(janitor([DELETE, SCRATCH_ONLY]))).toBe(g);
    expect(destroyGrants(janitor([DELETE], { more: { guard: [{ ...SCRATCH_ONLY, Sid: "Guard" }] } }))).toBe(g);
    expect(destroyGrants(janitor([SCRATCH_ONLY, DELETE]))).toBe(g);
  });

  test("through a chain: a Deny of the role the agent assumes removed is another digest of the agent's transitive finding", () => {
    const chain = (denies: Obj[]) =>
      janitor([{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.cleaner.arn}" }], {
        blocks: {
          "aws_iam_role.cleaner": {
            name: "cleaner",
            assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "${aws_iam_role.janitor.arn}" } }] }),
          },
          "aws_iam_role_policy.cleaner": { name: "c", role: "${aws_iam_role.cleaner.name}", policy: policy(DELETE, ...denies) },
        },
      });
    const transitive = (json: Obj) => one(json, "agent-transitive-destroy").grants;
    expect(transitive(chain([]))).not.toBe(transitive(chain([SCRATCH_ONLY])));
    expect(transitive(chain([SCRATCH_ONLY]))).toBe(transitive(chain([SCRATCH_ONLY])));
  });

  test("the control: another principal's Deny is not this principal's", () => {
    const other = { "aws_iam_role.other": agentRole({ name: "other" }), "aws_iam_role_policy.other": { name: "o", role: "${aws_iam_role.other.name}", policy: policy(SCRATCH_ONLY) } };
    const g = destroyGrants(janitor([DELETE]));
    expect(destroyGrants(janitor([DELETE], { blocks: other }))).toBe(g);
  });
});

describe("an unresolved reference is hashed with what it points to (red-team round 144 F4)", () => {
  const volume = (name: string) => ({ "data.aws_ebs_volume.target": { most_recent: true, filter: [{ name: "tag:Name", values: [name] }] } });
  const onVolume = { Sid: "Scratch", Effect: "Allow", Action: ["ec2:DeleteVolume"], Resource: "${data.aws_ebs_volume.target.arn}" };

  test("the data source's filter pointed at production: another digest", () => {
    expect(destroyGrants(janitor([onVolume], { blocks: volume("prod-db-data") }))).not.toBe(destroyGrants(janitor([onVolume], { blocks: volume("ci-scratch") })));
  });

  test("followed through a data source: the SSM parameter that names the bucket renamed is another digest", () => {
    const chain = (param: string) => ({
      "data.aws_ssm_parameter.bucket": { name: param },
      "data.aws_s3_bucket.target": { bucket: "${data.aws_ssm_parameter.bucket.value}" },
    });
    const st = { Sid: "Objects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "${data.aws_s3_bucket.target.arn}/*" };
    expect(destroyGrants(janitor([st], { blocks: chain("/prod/bucket") }))).not.toBe(destroyGrants(janitor([st], { blocks: chain("/scratch/bucket") })));
    const direct = { ...st, Resource: "arn:aws:s3:::${data.aws_ssm_parameter.bucket.value}/*" };
    const param = (name: string) => ({ "data.aws_ssm_parameter.bucket": { name } });
    expect(destroyGrants(janitor([direct], { blocks: param("/prod/bucket") }))).not.toBe(destroyGrants(janitor([direct], { blocks: param("/scratch/bucket") })));
  });

  test("the control: a \"//\" note on the data source, or another data source changed, keeps the digest", () => {
    const g = destroyGrants(janitor([onVolume], { blocks: volume("ci-scratch") }));
    const noted = { "data.aws_ebs_volume.target": { ...volume("ci-scratch")["data.aws_ebs_volume.target"], "//": { metadata: { path: "ops/target" } } } };
    expect(destroyGrants(janitor([onVolume], { blocks: noted }))).toBe(g);
    expect(destroyGrants(janitor([onVolume], { blocks: { ...volume("ci-scratch"), "data.aws_ebs_volume.other": { filter: [{ name: "tag:Name", values: ["prod"] }] } } }))).toBe(g);
  });

  test("the control: a resolved reference is hashed as resolved, so a tag on the bucket it names keeps the digest", () => {
    const bucket = (tags: Obj) => ({ "aws_s3_bucket.scratch": { bucket: "team-scratch", tags } });
    const st = { Sid: "Objects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "${aws_s3_bucket.scratch.arn}/*" };
    expect(destroyGrants(janitor([st], { blocks: bucket({ team: "a", note: "x" }) }))).toBe(destroyGrants(janitor([st], { blocks: bucket({ team: "a" }) })));
  });
});

describe("the principal's provider is in the digest (red-team round 144 F5)", () => {
  const provider = (body: Obj) => ({ provider: { aws: [{ region: "us-east-1", ...body }] } });
  const pinned = (account: string) => provider({ allowed_account_ids: [account], assume_role: [{ role_arn: `arn:aws:iam::${account}:role/terraform-deploy` }] });

  test("the account pins and assume_role moved to production: another digest", () => {
    expect(destroyGrants(janitor([DELETE], { extra: pinned("222222222222") }))).not.toBe(destroyGrants(janitor([DELETE], { extra: pinned("111111111111") })));
  });

  test.each([
    ["a profile", { profile: "prod" }],
    ["another region", { region: "eu-west-1" }],
    ["an assume_role from a variable whose default changed", { assume_role: [{ role_arn: "${var.deploy_role}" }] }],
  ])("%s: another digest", (_name, body) => {
    const vars = { variable: { deploy_role: { default: "arn:aws:iam::222222222222:role/deploy" } } };
    const base = { ...provider({ assume_role: [{ role_arn: "${var.deploy_role}" }] }), variable: { deploy_role: { default: "arn:aws:iam::111111111111:role/deploy" } } };
    expect(destroyGrants(janitor([DELETE], { extra: { ...provider(body), ...vars } }))).not.toBe(destroyGrants(janitor([DELETE], { extra: base })));
  });

  test("the control: default_tags on the provider keep the digest", () => {
    const g = destroyGrants(janitor([DELETE], { extra: pinned("111111111111") }));
    const tagged = { provider: { aws: [{ ...(pinned("111111111111").provider.aws[0] as Obj), default_tags: [{ tags: { team: "platform" } }] }] } };
    expect(destroyGrants(janitor([DELETE], { extra: tagged }))).toBe(g);
  });
});

describe("action names count in any case, as IAM compares them (red-team round 144 L3)", () => {
  test("EC2:DeleteVolume, ec2:deletevolume and ec2:DeleteVolume give one digest", () => {
    const g = destroyGrants(janitor([DELETE]));
    expect(destroyGrants(janitor([{ ...DELETE, Action: ["EC2:DeleteVolume"] }]))).toBe(g);
    expect(destroyGrants(janitor([{ ...DELETE, Action: "ec2:deletevolume" }]))).toBe(g);
  });

  test("the control: another action is another digest", () => {
    expect(destroyGrants(janitor([{ ...DELETE, Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"] }]))).not.toBe(destroyGrants(janitor([DELETE])));
  });
});

describe("an unread registry module in HCL is pinned to its inputs (red-team round 144 F3)", () => {
  const folder = (policyArn: string) =>
    dir({
      "main.tf": `module "agent_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  version = "5.39.0"
  create_role = true
  role_name   = "coder"
  role_path   = "/agents/"
  custom_role_policy_arns = ["${policyArn}"]
}
`,
    });
  const run = async (d: string, acknowledgements: Entry[] = []) =>
    (await checkPaths([d], { config: { acknowledgements }, now: NOW, rules: [unknownModule] })).findings.filter((f) => f.ruleId === "unknown-module");

  test("ReadOnlyAccess replaced by AdministratorAccess: not covered; the control: the same call checked again is", async () => {
    const [reviewed] = await run(folder("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    const entry: Entry = { ruleId: "unknown-module", principal: "module.agent_role", grants: reviewed.grants, reason: "reviewed: a read-only role for the coder agent" };
    expect((await run(folder("arn:aws:iam::aws:policy/ReadOnlyAccess"), [entry]))[0].acknowledged).toBeDefined();
    const [f] = await run(folder("arn:aws:iam::aws:policy/AdministratorAccess"), [entry]);
    expect(f.grants).not.toBe(reviewed.grants);
    expect(f.acknowledged).toBeUndefined();
  });
});

describe("the entry the unpinned warning offers names the stack of each finding (red-team round 144 L1)", () => {
  const json = janitor([DELETE]);
  const stack = (name: string | undefined) => buildStack(json, name ? `cdktf.out/stacks/${name}/cdk.tf.json` : "main.tf.json", name);
  const unscoped: Entry = { ruleId: "agent-destroy-right", principal: "aws_iam_role.janitor", reason: "scratch volume cleanup reviewed by platform" };
  const run = (names: (string | undefined)[], acknowledgements: Entry[]) => checkStacks(names.map(stack), { config: { acknowledgements }, now: NOW, rules: agentRules }).findings;
  const pasted = (fs: readonly Finding[]): Entry[] => {
    const fix = fs.find((f) => f.ruleId === "acknowledgement-unpinned")!.fix;
    const v = JSON.parse(/: (\[.*\]|\{.*\})\. The acknowledgement then covers/.exec(fix)![1]) as Entry | Entry[];
    return Array.isArray(v) ? v : [v];
  };

  test("two stacks with the same code: one entry per stack, each with its stack; pasted, they cover both, with no unscoped or unpinned warning", () => {
    const entries = pasted(run(["staging", "prod"], [unscoped]));
    expect(entries.map((e) => e.stack).sort()).toEqual(["prod", "staging"]);
    for (const e of entries) expect(e).toMatchObject({ actions: ["ec2:DeleteVolume"], resource: "aws_iam_role_policy.ops", grants: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const again = run(["staging", "prod"], entries);
    expect(again.filter((f) => f.ruleId === "agent-destroy-right").every((f) => f.acknowledged)).toBe(true);
    expect(again.map((f) => f.ruleId)).not.toContain("acknowledgement-unscoped");
    expect(again.map((f) => f.ruleId)).not.toContain("acknowledgement-unpinned");
  });

  test("one named stack: the entry names it", () => {
    expect(pasted(run(["prod"], [unscoped])).map((e) => e.stack)).toEqual(["prod"]);
  });

  test("the control: an acknowledgement with a stack keeps it, and a stack with no name gives no stack key", () => {
    expect(pasted(run(["staging", "prod"], [{ ...unscoped, stack: "prod" }])).map((e) => e.stack)).toEqual(["prod"]);
    expect(pasted(run([undefined], [unscoped]))[0]).not.toHaveProperty("stack");
  });
});

/**
 * Red-team round 176: what an unresolved reference points to was hashed 64 blocks deep, the rest by name only, so a
 * change past the 64th block of a chain kept an acknowledgement pinned to the digest. Past 64, the stack's whole
 * configuration counts (any change reopens the finding).
 */
describe("a chain of data sources longer than 64 blocks behind one statement", () => {
  /** The bucket is named by parameter p0, whose name is p1's value, ... p(n-1)'s name is `last`. */
  const chain = (n: number, last: string): Record<string, Obj> => {
    const blocks: Record<string, Obj> = { "data.aws_s3_bucket.target": { bucket: "${data.aws_ssm_parameter.p0.value}" } };
    for (let i = 0; i < n; i++) blocks[`data.aws_ssm_parameter.p${i}`] = { name: i === n - 1 ? last : `\${data.aws_ssm_parameter.p${i + 1}.value}` };
    return blocks;
  };
  const st = { Sid: "Objects", Effect: "Allow", Action: ["s3:DeleteObject"], Resource: "${data.aws_s3_bucket.target.arn}/*" };
  const digest = (n: number, last: string) => destroyGrants(janitor([st], { blocks: chain(n, last) }));

  test("the last parameter of 80 pointed at production: another digest", () => {
    expect(digest(80, "/prod/bucket")).not.toBe(digest(80, "/scratch/bucket"));
  });

  test("controls: the same chain checked again keeps the digest; a change 10 blocks deep changes it", () => {
    expect(digest(80, "/scratch/bucket")).toBe(digest(80, "/scratch/bucket"));
    expect(digest(10, "/prod/bucket")).not.toBe(digest(10, "/scratch/bucket"));
  });
});
