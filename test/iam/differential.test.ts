/**
 * Differential test: the engine against @cloud-copilot/iam-simulate (AGPL; a devDependency used only here as an
 * oracle, never imported from lib/).
 *
 * Both answer "is this principal allowed `action` on this concrete resource ARN" for generated identity
 * policies (with and without a permission boundary, no conditions). The engine's verdict is
 * `grantsFor(effectiveRights(...), action, arn).length > 0`.
 *
 * What must hold:
 * 1. Never less than the oracle: whenever iam-simulate says Allowed, the engine holds the right (fail closed).
 * 2. Exactly the oracle where the engine claims exactness: the engine keeps resource patterns as written and
 *    only removes/narrows by containment, so it answers a concrete request exactly when every Deny and
 *    boundary pattern relevant to the request either contains, lies inside, or is disjoint from the Allow
 *    patterns it meets (see `exactlyComparable`). There the two must agree in both directions.
 * 3. Elsewhere the engine may say "held" where iam-simulate says denied: that is its "exists a resource"
 *    reading (Allow on `*` minus Deny on `volume/prod-*` is still held on `*`, and a rule comparing with a
 *    target sees `*`). These are counted, never the reverse.
 *
 * Known differences, kept out of the generated policies and shown by the targeted tests at the end:
 * - service-prefix wildcards (`*:Delete*`): iam-simulate rejects the policy; the engine reads every service;
 * - conditions: the engine counts every conditional Allow and no conditional Deny, iam-simulate evaluates
 *   them against the request context (vacuous conditions agree: they are Allowed in both);
 * - short ARNs without a final `*` (`arn:aws:ec2:us-east-1`): iam-simulate pads them with `*` segments in an
 *   identity policy; the engine pads them in an Allow but reads a Deny literally (it covers less);
 * - a short ARN in NotResource (`arn:aws:s3:*`): iam-simulate cannot tell whether a request lies outside it
 *   and never applies such a statement; the engine grants on `*` (Allow) or never relies on it (Deny). This
 *   one is generated and counted as inexact (the engine answers "held");
 * - case in an ARN's partition/service/region/account: iam-simulate ignores it, the engine does not;
 * - a wildcard before the first `/` or `:` of the resource part (`...:*\/prod-1`): iam-simulate needs that
 *   "product" prefix literally, the engine does not;
 * - wildcard-only actions (no resource types, e.g. organizations:LeaveOrganization): iam-simulate honours only
 *   `Resource: "*"`, the engine does not know resource types;
 * - KMS needs a key policy in iam-simulate; the test supplies the default one (account root, kms:*).
 */
import { prng } from "../../scripts/bench-fixtures";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { ActionUniverse } from "../../lib/engine/iam/actions";
import { effectiveRights, grantsFor, isShortArn } from "../../lib/engine/iam/evaluate";
import { globCovers, globMatch, globsIntersect } from "../../lib/engine/iam/glob";
import { parsePolicyJson } from "../../lib/engine/iam/policy-json";
import type { Statement } from "../../lib/engine/iam/types";

const ACCOUNT = "111122223333";
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/agent`;

/** Catalogue actions with the ARN of a resource of their (first required) type; `{n}` is the resource name. */
const CATALOGUE: Record<string, string> = {
  "ec2:DeleteVolume": `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/{n}`,
  "ec2:DeleteSnapshot": "arn:aws:ec2:us-east-1::snapshot/{n}",
  "ec2:TerminateInstances": `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/{n}`,
  "ec2:DeregisterImage": "arn:aws:ec2:us-east-1::image/{n}",
  "ec2:DeleteLaunchTemplate": `arn:aws:ec2:us-east-1:${ACCOUNT}:launch-template/{n}`,
  "ec2:ModifyInstanceAttribute": `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/{n}`,
  "autoscaling:DeleteAutoScalingGroup": `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:0a1b:autoScalingGroupName/{n}`,
  "autoscaling:UpdateAutoScalingGroup": `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:0a1b:autoScalingGroupName/{n}`,
  "rds:DeleteDBInstance": `arn:aws:rds:us-east-1:${ACCOUNT}:db:{n}`,
  "rds:DeleteDBCluster": `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:{n}`,
  "rds:DeleteDBSnapshot": `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:{n}`,
  "rds:ModifyDBInstance": `arn:aws:rds:us-east-1:${ACCOUNT}:db:{n}`,
  "s3:DeleteBucket": "arn:aws:s3:::{n}",
  "s3:DeleteObject": "arn:aws:s3:::{n}/data/key.txt",
  "s3:DeleteObjectVersion": "arn:aws:s3:::{n}/data/key.txt",
  "s3:PutBucketPolicy": "arn:aws:s3:::{n}",
  "s3:PutBucketVersioning": "arn:aws:s3:::{n}",
  "s3:PutLifecycleConfiguration": "arn:aws:s3:::{n}",
  "s3:GetObject": "arn:aws:s3:::{n}/terraform.tfstate",
  "dynamodb:DeleteTable": `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/{n}`,
  "dynamodb:DeleteBackup": `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/{n}/backup/0001`,
  "dynamodb:UpdateTable": `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/{n}`,
  "elasticfilesystem:DeleteFileSystem": `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:file-system/{n}`,
  "backup:DeleteBackupVault": `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:{n}`,
  "backup:DeleteBackupVaultLockConfiguration": `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:{n}`,
  "kms:ScheduleKeyDeletion": `arn:aws:kms:us-east-1:${ACCOUNT}:key/{n}`,
  "kms:DisableKey": `arn:aws:kms:us-east-1:${ACCOUNT}:key/{n}`,
  "cloudtrail:StopLogging": `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/{n}`,
  "cloudtrail:DeleteTrail": `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/{n}`,
  "logs:DeleteLogGroup": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:{n}`,
  "secretsmanager:DeleteSecret": `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:{n}`,
  "secretsmanager:GetSecretValue": `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:{n}`,
  "ssm:GetParameter": `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/{n}`,
  "ssm:SendCommand": `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/{n}`,
  "iam:PutRolePolicy": `arn:aws:iam::${ACCOUNT}:role/{n}`,
  "iam:AttachRolePolicy": `arn:aws:iam::${ACCOUNT}:role/{n}`,
  "iam:PassRole": `arn:aws:iam::${ACCOUNT}:role/{n}`,
  "iam:DeleteRolePermissionsBoundary": `arn:aws:iam::${ACCOUNT}:role/{n}`,
  "iam:CreateAccessKey": `arn:aws:iam::${ACCOUNT}:user/{n}`,
  "lambda:UpdateFunctionCode": `arn:aws:lambda:us-east-1:${ACCOUNT}:function:{n}`,
  "cloudformation:DeleteStack": `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/{n}/1a2b`,
  "ecs:ExecuteCommand": `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/{n}`,
  "glacier:DeleteVault": `arn:aws:glacier:us-east-1:${ACCOUNT}:vaults/{n}`,
};
const ACTIONS = Object.keys(CATALOGUE);
const NAMES = ["prod-1", "dev-1", "Prod-2", "test-x9"];
const universe = new ActionUniverse(ACTIONS);

const KEY_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }] };


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const some = <T>(r: Rand, xs: readonly T[], max: number): T[] => Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(r, xs));
const serviceOf = (a: string) => a.slice(0, a.indexOf(":"));
const nameOf = (a: string) => a.slice(a.indexOf(":") + 1);
const arnFor = (action: string, name: string) => CATALOGUE[action].replace("{n}", name);

function mixCase(r: Rand, s: string): string {
  return [...s].map((c) => (r() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join("");
}

function actionPattern(r: Rand): string {
  const a = pick(r, ACTIONS);
  const svc = serviceOf(a);
  const name = nameOf(a);
  switch (Math.floor(r() * 8)) {
    case 0:
      return "*";
    case 1:
      return `${svc}:*`;
    case 2:
      return mixCase(r, a);
    case 3: {
      const i = Math.floor(r() * name.length);
      return `${svc}:${name.slice(0, i)}?${name.slice(i + 1)}`;
    }
    case 4:
      return `${svc}:${name.slice(0, 1 + Math.floor(r() * 6))}*`;
    case 5:
      return `${svc}:*${name.slice(-4)}`;
    case 6:
      return mixCase(r, `${svc}:Delete*`);
    default:
      return a;
  }
}

/** ARN patterns IAM and iam-simulate read alike (see the header for the shapes left out). */
function resourcePattern(r: Rand, near: readonly string[]): string {
  const action = r() < 0.7 && near.length ? pick(r, near) : pick(r, ACTIONS);
  const template = CATALOGUE[action];
  const withName = (n: string) => template.replace("{n}", n);
  const [arn, partition, service, region, account] = template.split(":");
  switch (Math.floor(r() * 9)) {
    case 0:
      return "*";
    case 1:
    case 2:
      return withName(pick(r, NAMES));
    case 3:
    case 4:
      return withName(pick(r, ["prod-*", "dev-*", "*-1", "Prod-*", "prod-?", "*", "??????", "*od*", "*x*"]));
    case 5: {
      const parts = withName(pick(r, ["prod-*", "*", "dev-1"])).split(":");
      if (parts[3]) parts[3] = pick(r, ["*", "us-*-1", "??-east-?"]);
      if (parts[4]) parts[4] = pick(r, ["*", "1111????3333", "2*"]);
      return parts.join(":");
    }
    case 6:
      return [arn, partition, service, region ? "*" : "", account ? "*" : "", "*"].join(":");
    case 7:
      return `${arn}:${partition}:${service}:*`;
    default:
      return withName(pick(r, NAMES)).replace(/:[^:]*$/, (m) => m); // the exact ARN again (weight)
  }
}

function statement(r: Rand, effect: "Allow" | "Deny"): Record<string, unknown> {
  const actions = some(r, [0, 0, 0].map(() => actionPattern(r)), 3);
  const s: Record<string, unknown> = { Effect: effect };
  if (r() < 0.75) s.Action = actions.length === 1 ? actions[0] : actions;
  else s.NotAction = actions;
  const near = ACTIONS.filter((a) => actions.some((p) => globMatch(p.toLowerCase(), a.toLowerCase(), { caseInsensitive: true })));
  const resources = Array.from({ length: 1 + Math.floor(r() * 2) }, () => resourcePattern(r, near));
  if (r() < 0.75) s.Resource = resources.length === 1 ? resources[0] : resources;
  else s.NotResource = resources;
  return s;
}

interface Case {
  readonly identity: Record<string, unknown>[];
  readonly boundary?: Record<string, unknown>[];
}

function generate(r: Rand): Case {
  const identity = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => statement(r, i === 0 || r() < 0.6 ? "Allow" : "Deny"));
  if (r() < 0.5) return { identity };
  const boundary = Array.from({ length: 1 + Math.floor(r() * 2) }, (_, i) => statement(r, i === 0 || r() < 0.7 ? "Allow" : "Deny"));
  if (r() < 0.6) {
    // A boundary that shares actions with the identity policy, so that it narrows rather than blocks.
    const first = boundary[0];
    const identityActions = identity.flatMap((st) => (st.Action === undefined ? [] : ([] as unknown[]).concat(st.Action))) as string[];
    delete first.NotAction;
    first.Action = pick(r, ["*", ...identityActions]);
  }
  return { identity, boundary };
}

const doc = (statements: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement: statements });
const parse = (statements: Record<string, unknown>[], address: string): Statement[] => [...parsePolicyJson(doc(statements), { address }).statements];

async function simulate(c: Case, action: string, arn: string): Promise<string> {
  const sim: Simulation = {
    request: { principal: PRINCIPAL, action, resource: { resource: arn, accountId: ACCOUNT }, contextVariables: {} },
    identityPolicies: [{ name: "identity", policy: doc(c.identity) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(c.boundary && { permissionBoundaryPolicies: [{ name: "boundary", policy: doc(c.boundary) }] }),
    ...(serviceOf(action) === "kms" && { resourcePolicy: KEY_POLICY }),
  };
  const res = await runSimulation(sim, {});
  if (res.resultType === "error") return `error: ${JSON.stringify(res.errors)}`;
  return res.overallResult;
}

/**
 * Does the engine claim an exact answer for this request? True when every Deny (identity or boundary) and
 * every boundary Allow that applies to the action relates to the patterns it meets by containment or
 * disjointness, in the ways the evaluator handles exactly (see evaluate.ts: narrowByBoundary, applyDeny).
 */
function exactlyComparable(identity: Statement[], boundary: Statement[] | undefined, action: string, arn: string): boolean {
  const i = universe.indexOf(action)!;
  const applies = (s: Statement) => universe.statementActions(s).has(i);
  const rel = {
    disjoint: (a: string, b: string) => !globsIntersect(a, b),
    inside: (inner: string, outer: string) => globCovers(outer, inner),
  };
  // iam-simulate cannot tell whether a request lies outside a short ARN in NotResource and then never applies
  // the statement; the engine grants (Allow) or drops (Deny) on the safe side.
  const shortInNotResource = (s: Statement) => (s.notResources ?? []).some(isShortArn);
  if ([...identity, ...(boundary ?? [])].some((s) => s.effect === "Allow" && applies(s) && shortInNotResource(s))) return false;
  const allowPatterns = identity
    .filter((s) => s.effect === "Allow" && applies(s))
    .flatMap((s) => (s.resources ?? ["*"]).filter((p) => globMatch(p, arn)));
  const boundaryPatterns: string[] = [];
  for (const b of boundary ?? []) {
    if (b.effect !== "Allow" || !applies(b)) continue;
    for (const p of b.resources ?? []) {
      if (!allowPatterns.every((a) => rel.disjoint(a, p) || rel.inside(a, p) || rel.inside(p, a))) return false;
      if (globMatch(p, arn)) boundaryPatterns.push(p);
    }
    for (const x of b.notResources ?? []) if (!allowPatterns.every((a) => rel.disjoint(a, x) || rel.inside(a, x))) return false;
  }
  const candidates = [...allowPatterns, ...boundaryPatterns];
  for (const d of [...identity, ...(boundary ?? [])]) {
    if (d.effect !== "Deny" || !applies(d)) continue;
    for (const p of d.resources ?? []) if (!candidates.every((c) => rel.disjoint(c, p) || rel.inside(c, p))) return false;
    for (const x of d.notResources ?? []) if (!candidates.every((c) => rel.disjoint(c, x) || rel.inside(c, x) || rel.inside(x, c))) return false;
  }
  return true;
}

describe("differential against @cloud-copilot/iam-simulate", () => {
  it("generated identity policies (with and without boundary): never less than the oracle, equal where exact", async () => {
    // IAM_DIFF_SEED / IAM_DIFF_CASES explore further; the defaults are what CI runs.
    const r = prng(Number(process.env.IAM_DIFF_SEED ?? 20240611));
    const CASES = Number(process.env.IAM_DIFF_CASES ?? 320);
    const PAIRS_PER_CASE = 12;
    const errors: string[] = [];
    const missed: string[] = []; // oracle Allowed, engine not: must never happen
    const inexact: string[] = []; // engine claims exactness but disagrees
    let exact = 0;
    let overApprox = 0;
    let allowedByOracle = 0;
    let allowedWithBoundary = 0;
    let explicitlyDenied = 0;
    let total = 0;
    for (let k = 0; k < CASES; k++) {
      const c = generate(r);
      const identity = parse(c.identity, `identity${k}`);
      const boundary = c.boundary && parse(c.boundary, `boundary${k}`);
      const rights = effectiveRights({ principal: PRINCIPAL, identity, boundary, universe });
      // Ask mostly about actions the policies name, so that plenty of requests are allowed.
      const named = ACTIONS.filter((a) => identity.some((st) => st.effect === "Allow" && universe.statementActions(st).has(universe.indexOf(a)!)));
      for (let q = 0; q < PAIRS_PER_CASE; q++) {
        const action = named.length && r() < 0.6 ? pick(r, named) : pick(r, ACTIONS);
        const arn = arnFor(action, pick(r, NAMES));
        const oracle = await simulate(c, action, arn);
        total++;
        const show = () => `${action} ${arn} oracle=${oracle}\n  ${JSON.stringify(c)}`;
        if (oracle.startsWith("error")) {
          errors.push(show());
          continue;
        }
        const held = grantsFor(rights, action, arn).length > 0;
        const allowed = oracle === "Allowed";
        if (allowed) allowedByOracle++;
        if (allowed && boundary) allowedWithBoundary++;
        if (oracle === "ExplicitlyDenied") explicitlyDenied++;
        if (allowed && !held) missed.push(show());
        if (exactlyComparable(identity, boundary, action, arn)) {
          exact++;
          if (allowed !== held) inexact.push(show());
        } else if (held && !allowed) overApprox++;
      }
    }
    // One line for the record: how much of the comparison was exact.
    console.log(
      `differential: ${total} requests; iam-simulate: ${allowedByOracle} allowed (${allowedWithBoundary} under a boundary), ` +
        `${explicitlyDenied} explicitly denied; ${exact} exactly comparable; ${overApprox} held only by the engine (exists-a-resource reading)`,
    );
    expect(errors).toEqual([]);
    expect(missed).toEqual([]);
    expect(inexact).toEqual([]);
    // The comparison is not vacuous: plenty of allowed, denied and exactly comparable requests.
    expect(total).toBe(CASES * PAIRS_PER_CASE);
    expect(allowedByOracle).toBeGreaterThan(total * 0.15);
    expect(allowedByOracle).toBeLessThan(total * 0.85);
    expect(allowedWithBoundary).toBeGreaterThan(50);
    expect(explicitlyDenied).toBeGreaterThan(100);
    expect(exact).toBeGreaterThan(total * 0.6);
  });

  it("the action level agrees too: an action allowed on some name is held", async () => {
    const r = prng(7);
    const missed: string[] = [];
    for (let k = 0; k < 60; k++) {
      const c = generate(r);
      const rights = effectiveRights({ principal: PRINCIPAL, identity: parse(c.identity, "i"), boundary: c.boundary && parse(c.boundary, "b"), universe });
      const action = pick(r, ACTIONS);
      for (const n of NAMES) {
        if ((await simulate(c, action, arnFor(action, n))) === "Allowed" && !rights.grants.has(action.toLowerCase())) missed.push(`${action} ${n} ${JSON.stringify(c)}`);
      }
    }
    expect(missed).toEqual([]);
  });
});

describe("vacuous conditions (research note 3.1): both count them as Allows", () => {
  const vacuous: [string, object][] = [
    ["ForAllValues:StringLike on aws:TagKeys", { "ForAllValues:StringLike": { "aws:TagKeys": ["LaunchWizard*"] } }],
    ["Null true on a missing tag", { Null: { "aws:ResourceTag/exclude-from-compute-optimizer-automation": "true" } }],
    ["StringEqualsIfExists", { StringEqualsIfExists: { "ec2:ResourceTag/env": "dev" } }],
    ["StringNotEquals on a missing key", { StringNotEquals: { "aws:ResourceTag/protected": "true" } }],
    ["ArnNotLike on a missing key", { ArnNotLike: { "ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/prod-*" } }],
  ];
  it.each(vacuous)("%s", async (_, condition) => {
    const c: Case = { identity: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: condition }] };
    const arn = arnFor("ec2:DeleteVolume", "prod-1");
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("Allowed");
    const rights = effectiveRights({ principal: PRINCIPAL, identity: parse(c.identity, "i"), universe });
    const grants = grantsFor(rights, "ec2:DeleteVolume", arn);
    expect(grants).toHaveLength(1);
    expect(grants[0].conditional).toBe(true);
  });
});

describe("known differences, shown", () => {
  const arn = arnFor("ec2:DeleteVolume", "prod-1");
  const held = (c: Case) =>
    grantsFor(effectiveRights({ principal: PRINCIPAL, identity: parse(c.identity, "i"), boundary: c.boundary && parse(c.boundary, "b"), universe }), "ec2:DeleteVolume", arn).length > 0;

  it("a service-prefix wildcard: iam-simulate rejects the policy, the engine reads every service", async () => {
    const c: Case = { identity: [{ Effect: "Allow", Action: "*:Delete*", Resource: "*" }] };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toMatch(/^error/);
    expect(held(c)).toBe(true);
  });

  it("a Deny on part of an Allow's resources: denied for that ARN, still held by the engine (exists a resource)", async () => {
    const c: Case = {
      identity: [
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:*:*:volume/prod-*" },
      ],
    };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("ExplicitlyDenied");
    expect(held(c)).toBe(true);
    expect(await simulate(c, "ec2:DeleteVolume", arnFor("ec2:DeleteVolume", "dev-1"))).toBe("Allowed");
  });

  it("a condition that needs a context value: iam-simulate denies without it, the engine counts it (conditional)", async () => {
    const c: Case = { identity: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } }] };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("ImplicitlyDenied");
    expect(held(c)).toBe(true);
  });

  it("a conditional Deny: iam-simulate may apply it, the engine never relies on it", async () => {
    const c: Case = {
      identity: [
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceTag/env": "dev" } } },
      ],
    };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("ExplicitlyDenied");
    expect(held(c)).toBe(true);
  });

  it("a short ARN without a final * in a Deny: iam-simulate pads it, the engine reads it literally", async () => {
    const c: Case = {
      identity: [
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:us-east-1" },
      ],
    };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("ExplicitlyDenied");
    expect(held(c)).toBe(true);
    // ...and in an Allow both pad it.
    const allow: Case = { identity: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:us-east-1" }] };
    expect(await simulate(allow, "ec2:DeleteVolume", arn)).toBe("Allowed");
    expect(held(allow)).toBe(true);
  });

  it("a short ARN in a Deny's NotResource: neither relies on the Deny; in an Allow's, only the engine grants", async () => {
    const deny: Case = {
      identity: [
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" },
        { Effect: "Deny", Action: "*", NotResource: "arn:aws:s3:*" },
      ],
    };
    expect(await simulate(deny, "ec2:DeleteVolume", arn)).toBe("Allowed");
    expect(held(deny)).toBe(true);
    const allow: Case = { identity: [{ Effect: "Allow", Action: "ec2:DeleteVolume", NotResource: "arn:aws:s3:*" }] };
    expect(await simulate(allow, "ec2:DeleteVolume", arn)).toBe("ImplicitlyDenied");
    expect(held(allow)).toBe(true);
  });

  it("case in the service segment: iam-simulate ignores it, the engine does not", async () => {
    const c: Case = { identity: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "arn:aws:EC2:*:*:volume/*" }] };
    expect(await simulate(c, "ec2:DeleteVolume", arn)).toBe("Allowed");
    expect(held(c)).toBe(false);
  });
});
