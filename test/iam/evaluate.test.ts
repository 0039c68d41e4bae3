import { ActionUniverse } from "../../lib/engine/iam/actions";
import { conditionAlwaysTrue, effectiveRights, grantsFor } from "../../lib/engine/iam/evaluate";
import { parsePolicyJson, unknownDocument } from "../../lib/engine/iam/policy-json";
import type { Statement } from "../../lib/engine/iam/types";

const universe = new ActionUniverse([
  "ec2:DeleteVolume",
  "ec2:DeleteSnapshot",
  "ec2:TerminateInstances",
  "ec2:DescribeVolumes",
  "rds:DeleteDBInstance",
  "s3:DeleteBucket",
  "s3:DeleteObject",
  "s3:GetObject",
  "iam:PutRolePolicy",
  "iam:PassRole",
  "organizations:LeaveOrganization",
  "kms:ScheduleKeyDeletion",
]);

const VOL = "arn:aws:ec2:*:*:volume";
let n = 0;
/** Statements from policy JSON, each call a separate document. */
const stmts = (...statements: object[]): Statement[] =>
  [...parsePolicyJson({ Version: "2012-10-17", Statement: statements }, { address: `aws_iam_policy.p${n++}` }).statements];
const rights = (identity: Statement[], boundary?: Statement[]) => effectiveRights({ principal: "aws_iam_role.agent", identity, boundary, universe });
const held = (r: ReturnType<typeof rights>) => [...r.grants.keys()].sort();
const resourcesOf = (r: ReturnType<typeof rights>, action: string) => grantsFor(r, action).map((g) => g.resources);

describe("identity Allows", () => {
  it("an Allow grants exactly its actions; the rest are absent", () => {
    const r = rights(stmts({ Effect: "Allow", Action: ["ec2:DeleteVolume", "s3:GetObject"], Resource: "*" }));
    expect(r.principal).toBe("aws_iam_role.agent");
    expect(held(r)).toEqual(["ec2:deletevolume", "s3:getobject"]);
    const [g] = grantsFor(r, "EC2:DeleteVolume");
    expect(g.action).toBe("ec2:DeleteVolume");
    expect(g.resources).toEqual(["*"]);
    expect(g.conditional).toBe(false);
    expect(g.statement.source.index).toBe(0);
  });

  it("no statements, or only Denies, grant nothing", () => {
    expect(held(rights([]))).toEqual([]);
    expect(held(rights(stmts({ Effect: "Deny", Action: "*", Resource: "*" })))).toEqual([]);
  });

  it("NotAction in an Allow grants everything else in the universe", () => {
    const r = rights(stmts({ Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" }));
    expect(r.grants.has("ec2:deletevolume")).toBe(true);
    expect(r.grants.has("kms:schedulekeydeletion")).toBe(true);
    expect(r.grants.has("iam:putrolepolicy")).toBe(false);
    expect(r.grants.has("organizations:leaveorganization")).toBe(false);
  });

  it("matches actions case-insensitively with * and ? anywhere", () => {
    expect(held(rights(stmts({ Effect: "Allow", Action: "EC2:Delete?olume", Resource: "*" })))).toEqual(["ec2:deletevolume"]);
    expect(held(rights(stmts({ Effect: "Allow", Action: "ec2:*Snap*", Resource: "*" })))).toEqual(["ec2:deletesnapshot"]);
  });

  it("a service-prefix wildcard matches every service (fail closed)", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "*:Delete*", Resource: "*" }));
    expect(held(r)).toEqual(["ec2:deletesnapshot", "ec2:deletevolume", "rds:deletedbinstance", "s3:deletebucket", "s3:deleteobject"]);
  });

  it("an Allow without a Resource element counts as Resource *", () => {
    const [g] = grantsFor(rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume" })), "ec2:DeleteVolume");
    expect(g.resources).toEqual(["*"]);
  });

  it("keeps the Allow's resource patterns and one grant per statement", () => {
    const r = rights(
      stmts(
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: [`${VOL}/dev-*`, `${VOL}/test-*`] },
        { Effect: "Allow", Action: "ec2:*", Resource: `${VOL}/ci-*` },
      ),
    );
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([[`${VOL}/dev-*`, `${VOL}/test-*`], [`${VOL}/ci-*`]]);
  });
});

describe("conditions", () => {
  it("a conditional Allow still counts, marked conditional", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } }));
    const [g] = grantsFor(r, "ec2:DeleteVolume");
    expect(g.conditional).toBe(true);
  });

  it("a conditional Deny removes nothing", () => {
    const r = rights(
      stmts(
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "prod" } } },
      ),
    );
    expect(r.grants.has("ec2:deletevolume")).toBe(true);
  });

  it("conditionAlwaysTrue holds only for no conditions", () => {
    expect(conditionAlwaysTrue([])).toBe(true);
    expect(conditionAlwaysTrue([{ operator: "Bool", key: "aws:SecureTransport", values: ["true"] }])).toBe(false);
  });

  // Research note 3.1: conditions that are true when their key is absent. Each of these is a grant.
  const vacuous: [string, object][] = [
    ["ForAllValues on a missing multi-valued key (AmazonApplicationWizardFullaccess)", { "ForAllValues:StringLike": { "aws:TagKeys": ["LaunchWizard*"] } }],
    ["Null: true on a missing tag (ComputeOptimizerAutomationServiceRolePolicy)", { Null: { "aws:ResourceTag/exclude-from-compute-optimizer-automation": "true" } }],
    ["...IfExists on a missing key", { StringEqualsIfExists: { "ec2:ResourceTag/env": "dev" } }],
    ["a negated operator on a missing key", { StringNotEquals: { "aws:ResourceTag/protected": "true" } }],
    ["ArnNotLike on a missing key", { ArnNotLike: { "ec2:InstanceProfile": "arn:aws:iam::*:instance-profile/prod-*" } }],
  ];
  it.each(vacuous)("vacuous condition counts as an Allow: %s", (_, condition) => {
    const r = rights(stmts({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*", Condition: condition }));
    expect(held(r)).toEqual(["ec2:deletesnapshot", "ec2:deletevolume"]);
    expect(grantsFor(r, "ec2:DeleteVolume")[0].conditional).toBe(true);
  });

  it.each(vacuous)("the same condition on a Deny removes nothing: %s", (_, condition) => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "ec2:*", Resource: "*", Condition: condition }));
    expect(held(r)).toEqual(["ec2:deletevolume"]);
  });
});

describe("explicit Denies", () => {
  const allowAll = { Effect: "Allow", Action: "*", Resource: "*" };

  it("an unconditional Deny on * removes the action", () => {
    const r = rights(stmts(allowAll, { Effect: "Deny", Action: "ec2:Delete*", Resource: "*" }));
    expect(r.grants.has("ec2:deletevolume")).toBe(false);
    expect(r.grants.has("ec2:deletesnapshot")).toBe(false);
    expect(r.grants.has("ec2:terminateinstances")).toBe(true);
  });

  it("a Deny removes only actions its action set covers (NotAction Deny included)", () => {
    const r = rights(stmts(allowAll, { Effect: "Deny", NotAction: ["s3:*", "ec2:Describe*"], Resource: "*" }));
    expect(held(r)).toEqual(["ec2:describevolumes", "s3:deletebucket", "s3:deleteobject", "s3:getobject"]);
  });

  it("a Deny without a Resource element covers every resource", () => {
    expect(rights(stmts(allowAll, { Effect: "Deny", Action: "ec2:DeleteVolume" })).grants.has("ec2:deletevolume")).toBe(false);
  });

  it("a Deny on part of * leaves the right, with the Allow's pattern unchanged", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: `${VOL}/prod-*` }));
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([["*"]]);
  });

  it("a Deny whose resources certainly cover the Allow's removes it", () => {
    const r = rights(
      stmts(
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: [`${VOL}/prod-1`, `${VOL}/prod-db-*`, `${VOL}/dev-1`] },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: [`${VOL}/prod-?`, `${VOL}/prod-*`] },
      ),
    );
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([[`${VOL}/dev-1`]]);
  });

  it("a Deny that only overlaps the Allow's pattern removes nothing", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/p*` }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: `${VOL}/*-prod` }));
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([[`${VOL}/p*`]]);
  });

  it("resource coverage is case-sensitive", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::Prod" }, { Effect: "Deny", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::prod" }));
    expect(r.grants.has("s3:deletebucket")).toBe(true);
  });

  it("Deny with NotResource X covers an Allow resource that cannot meet X", () => {
    const deny = { Effect: "Deny", Action: "ec2:DeleteVolume", NotResource: `${VOL}/dev-*` };
    expect(rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/prod-1` }, deny)).grants.has("ec2:deletevolume")).toBe(false);
    expect(resourcesOf(rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/dev-1` }, deny)), "ec2:DeleteVolume")).toEqual([[`${VOL}/dev-1`]]);
  });

  it("Deny with NotResource narrows an Allow on * to the exceptions", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", NotResource: [`${VOL}/dev-*`, `${VOL}/ci-*`] }));
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([[`${VOL}/dev-*`, `${VOL}/ci-*`]]);
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:us-east-1:1:volume/prod-1")).toEqual([]);
  });

  it("a Deny whose NotResource holds a short ARN is never relied on (whether a resource lies outside it is open)", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/x` }, { Effect: "Deny", Action: "*", NotResource: ["arn:aws:s3:*", "arn:aws:s3:::b"] }));
    expect(r.grants.has("ec2:deletevolume")).toBe(true);
    const full = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/x` }, { Effect: "Deny", Action: "*", NotResource: ["arn:aws:s3:*:*:*"] }));
    expect(full.grants.has("ec2:deletevolume")).toBe(false);
  });

  it("a Deny whose NotResource writes its service, Region or account with a capital letter is not relied on: whether IAM matches those parts by case is not documented (red-team round 135)", () => {
    const allow = { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:us-east-1:111111111111:volume/vol-1" };
    expect(rights(stmts(allow, { Effect: "Deny", Action: "ec2:*", NotResource: "arn:aws:EC2:us-east-1:111111111111:volume/vol-1" })).grants.has("ec2:deletevolume")).toBe(true);
    expect(rights(stmts(allow, { Effect: "Deny", Action: "ec2:*", NotResource: "arn:aws:ec2:US-EAST-1:111111111111:volume/vol-1" })).grants.has("ec2:deletevolume")).toBe(true);
    // The control: written in lower case the Deny holds (it leaves out only another volume), and a capital letter in
    // the resource part (names are case-sensitive) is read as written.
    expect(rights(stmts(allow, { Effect: "Deny", Action: "ec2:*", NotResource: "arn:aws:ec2:us-east-1:111111111111:volume/vol-2" })).grants.has("ec2:deletevolume")).toBe(false);
    expect(rights(stmts(allow, { Effect: "Deny", Action: "ec2:*", NotResource: "arn:aws:ec2:us-east-1:111111111111:volume/VOL-1" })).grants.has("ec2:deletevolume")).toBe(false);
  });

  it("Deny with NotResource * covers nothing; with NotResource X it leaves X", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "*", NotResource: "*" }));
    expect(r.grants.has("ec2:deletevolume")).toBe(true); // NotResource * excludes everything, so the Deny covers nothing
    const r2 = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "*", NotResource: "arn:aws:s3:::only" }));
    expect(resourcesOf(r2, "ec2:DeleteVolume")).toEqual([["arn:aws:s3:::only"]]);
  });

  it("a Deny built from widened tokens does not count as covering", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: "${aws_ebs_volume.prod.arn}" }));
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([["*"]]);
    // ...while its literal entries still do.
    const r2 = rights(
      stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/a` }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: ["${aws_ebs_volume.prod.arn}", `${VOL}/*`] }),
    );
    expect(r2.grants.has("ec2:deletevolume")).toBe(false);
  });

  it("Denies from several statements each remove what they cover", () => {
    const r = rights(
      stmts(
        { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: [`${VOL}/a`, `${VOL}/b`, `${VOL}/c`] },
        { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: `${VOL}/a` },
      ),
      ...[],
    );
    const r2 = rights([...r.grants.get("ec2:deletevolume")!.map((g) => g.statement), ...stmts({ Effect: "Deny", Action: "ec2:DeleteVolume", Resource: `${VOL}/a` }, { Effect: "Deny", Action: "*", Resource: `${VOL}/b` })]);
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([[`${VOL}/b`, `${VOL}/c`]]);
    expect(resourcesOf(r2, "ec2:DeleteVolume")).toEqual([[`${VOL}/c`]]);
  });
});

describe("Allow with NotResource", () => {
  it("grants on * except X", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "s3:DeleteBucket", NotResource: "arn:aws:s3:::prod-*" }));
    expect(resourcesOf(r, "s3:DeleteBucket")).toEqual([["*"]]);
    expect(grantsFor(r, "s3:DeleteBucket", "arn:aws:s3:::dev-1")).toHaveLength(1);
    expect(grantsFor(r, "s3:DeleteBucket", "arn:aws:s3:::prod-1")).toEqual([]); // certainly excluded
    expect(grantsFor(r, "s3:DeleteBucket", "arn:aws:s3:::*")).toHaveLength(1);
  });

  it("grants nothing when X is *", () => {
    expect(rights(stmts({ Effect: "Allow", Action: "*", NotResource: "*" })).grants.size).toBe(0);
    expect(rights(stmts({ Effect: "Allow", Action: "*", NotResource: ["arn:aws:s3:::x", "*"] })).grants.size).toBe(0);
  });

  it("a widened token in NotResource excludes nothing", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "s3:DeleteBucket", NotResource: "${aws_s3_bucket.prod.arn}" }));
    expect(resourcesOf(r, "s3:DeleteBucket")).toEqual([["*"]]);
    expect(grantsFor(r, "s3:DeleteBucket", "arn:aws:s3:::prod")).toHaveLength(1);
  });
});

describe("permission boundary", () => {
  const allowAll = stmts({ Effect: "Allow", Action: "*", Resource: "*" });

  it("undefined boundary caps nothing", () => {
    expect(rights(allowAll, undefined).grants.size).toBe(universe.size);
  });

  it("an empty boundary allows nothing", () => {
    expect(rights(allowAll, []).grants.size).toBe(0);
  });

  it("effective = identity ∩ boundary on actions", () => {
    const r = rights(allowAll, stmts({ Effect: "Allow", Action: ["s3:Get*", "ec2:Describe*"], Resource: "*" }));
    expect(held(r)).toEqual(["ec2:describevolumes", "s3:getobject"]);
    const r2 = rights(stmts({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), stmts({ Effect: "Allow", Action: "*", Resource: "*" }));
    expect(held(r2)).toEqual(["s3:getobject"]); // the boundary grants nothing by itself
  });

  it("the boundary must allow the action on a resource that meets the grant", () => {
    const identity = stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/dev-*` });
    expect(rights(identity, stmts({ Effect: "Allow", Action: "ec2:*", Resource: `${VOL}/prod-*` })).grants.size).toBe(0);
    expect(rights(identity, stmts({ Effect: "Allow", Action: "ec2:*", Resource: `${VOL}/*` })).grants.size).toBe(1);
  });

  it("narrows the grant to the boundary pattern when that lies inside it, keeps it when they only overlap", () => {
    const narrowed = rights(allowAll, stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/dev-*` }));
    expect(resourcesOf(narrowed, "ec2:DeleteVolume")).toEqual([[`${VOL}/dev-*`]]);
    expect(grantsFor(narrowed, "ec2:DeleteVolume", "arn:aws:ec2:us-east-1:1:volume/prod-1")).toEqual([]);
    const overlap = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/a*` }), stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/*b` }));
    expect(resourcesOf(overlap, "ec2:DeleteVolume")).toEqual([[`${VOL}/a*`]]);
  });

  it("identity Denies apply to the narrowed pattern", () => {
    const identity = stmts({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ec2:DeleteVolume", Resource: `${VOL}/prod-*` });
    expect(rights(identity, stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/prod-db-*` })).grants.size).toBe(0);
  });

  it("certain boundary Denies remove; conditional ones do not", () => {
    const denyDelete = stmts({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ec2:Delete*", Resource: "*" });
    expect(rights(allowAll, denyDelete).grants.has("ec2:deletevolume")).toBe(false);
    expect(rights(allowAll, denyDelete).grants.has("ec2:terminateinstances")).toBe(true);
    const conditional = stmts({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "ec2:Delete*", Resource: "*", Condition: { Bool: { "aws:ViaAWSService": "false" } } });
    expect(rights(allowAll, conditional).grants.has("ec2:deletevolume")).toBe(true);
  });

  it("a conditional boundary Allow makes the grant conditional", () => {
    const r = rights(allowAll, stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }));
    expect(grantsFor(r, "ec2:DeleteVolume")[0].conditional).toBe(true);
    const both = rights(allowAll, stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*", Condition: { Bool: { x: "true" } } }, { Effect: "Allow", Action: "ec2:*", Resource: "*" }));
    expect(grantsFor(both, "ec2:DeleteVolume")[0].conditional).toBe(false);
  });

  it("boundary NotAction and NotResource", () => {
    const r = rights(allowAll, stmts({ Effect: "Allow", NotAction: "ec2:*", Resource: "*" }));
    expect(r.grants.has("ec2:deletevolume")).toBe(false);
    expect(r.grants.has("s3:deletebucket")).toBe(true);
    const nr = rights(stmts({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::prod-1" }), stmts({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::prod-*" }));
    expect(nr.grants.size).toBe(0);
    const nr2 = rights(stmts({ Effect: "Allow", Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::dev-1" }), stmts({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::prod-*" }));
    expect(nr2.grants.size).toBe(1);
  });

  it("an unknown boundary statement caps nothing", () => {
    const r = rights(allowAll, [...unknownDocument("data.aws_iam_policy.b", "external").statements]);
    expect(r.grants.size).toBe(universe.size);
  });
});

describe("unknown statements", () => {
  it("are Allow * on * and stay in the Grant", () => {
    const doc = unknownDocument("data.aws_iam_policy.ext", "policy read from a file");
    const r = rights([...doc.statements]);
    expect(r.grants.size).toBe(universe.size);
    const [g] = grantsFor(r, "kms:ScheduleKeyDeletion");
    expect(g.statement.unknown).toBe("policy read from a file");
    expect(g.resources).toEqual(["*"]);
  });

  it("are Allows even when they were Denies on paper", () => {
    const r = rights(stmts({ Effect: "Deny", Action: "*", Resource: "*", Condtion: {} }));
    expect(r.grants.size).toBe(universe.size);
  });

  it("a hand-built statement with unknown set is an Allow whatever its effect says", () => {
    const [deny] = stmts({ Effect: "Deny", Action: "*", Resource: "*" });
    const r = rights([{ ...deny, unknown: "built by the Terraform layer" }]);
    expect(r.grants.size).toBe(universe.size);
    expect(grantsFor(r, "ec2:DeleteVolume")[0].statement.unknown).toBe("built by the Terraform layer");
  });

  it("certain Denies still apply to them", () => {
    const r = rights([...unknownDocument("x", "?").statements, ...stmts({ Effect: "Deny", Action: "*", Resource: "*" })]);
    expect(r.grants.size).toBe(0);
  });
});

describe("grantsFor", () => {
  const r = rights(
    stmts(
      { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/dev-*` },
      { Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "arn:aws:ec2:us-east-1:*:volume/*" },
    ),
  );

  it("returns all grants without a pattern, none for an action not held", () => {
    expect(grantsFor(r, "ec2:deletevolume")).toHaveLength(2);
    expect(grantsFor(r, "ec2:DeleteSnapshot")).toEqual([]);
    expect(grantsFor(r, "no:such")).toEqual([]);
  });

  it("keeps the grants whose resources may meet the target", () => {
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:eu-west-1:1:volume/dev-1")).toHaveLength(1);
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:us-east-1:1:volume/dev-1")).toHaveLength(2);
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:eu-west-1:1:volume/prod-1")).toHaveLength(0);
    // Unknown region and account in the target do not run into its resource part.
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:*:*:volume/prod-1").map((g) => g.resources)).toEqual([["arn:aws:ec2:us-east-1:*:volume/*"]]);
  });
});

describe("shared statements (cached per Statement object)", () => {
  it("the same statements give the same (shared) grants; different denies or boundaries do not leak", () => {
    const allow = stmts({ Effect: "Allow", Action: "*", Resource: "*" });
    const deny = stmts({ Effect: "Deny", Action: "ec2:*", Resource: "*" });
    const boundary = stmts({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    const a = rights(allow);
    const b = rights([...allow, ...deny]);
    const c = rights(allow, boundary);
    const d = rights(allow);
    expect(a.grants.size).toBe(universe.size);
    expect(b.grants.has("ec2:deletevolume")).toBe(false);
    expect(b.grants.has("s3:deletebucket")).toBe(true);
    expect(held(c)).toEqual(["s3:deletebucket", "s3:deleteobject", "s3:getobject"]);
    expect(d.grants.size).toBe(universe.size);
    expect(grantsFor(d, "s3:GetObject")[0]).toBe(grantsFor(a, "s3:GetObject")[0]);
    // The deny applied in b is not remembered for d, and the boundary of c is not either.
    expect(grantsFor(d, "ec2:DeleteVolume")).toHaveLength(1);
  });

  it("rights asked for some actions only hold those, and do not leak into a later full answer (nor the reverse)", () => {
    const allow = stmts({ Effect: "Allow", Action: "*", Resource: "*" });
    const deny = stmts({ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" });
    const only = universe.actionSet(["s3:Delete*", "ec2:DeleteVolume"]);
    const some = effectiveRights({ principal: "p", identity: [...allow, ...deny], universe, only });
    expect(held(some)).toEqual(["ec2:deletevolume", "s3:deleteobject"]);
    expect(rights([...allow, ...deny]).grants.size).toBe(universe.size - 1);
    const full = rights(allow);
    expect(effectiveRights({ principal: "p", identity: allow, universe, only }).grants.size).toBe(3);
    expect(full.grants.size).toBe(universe.size);
  });

  it("a statement reaching a principal twice grants once", () => {
    const allow = stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" });
    expect(grantsFor(rights([...allow, ...allow]), "ec2:DeleteVolume")).toHaveLength(1);
  });

  it("a statement used as identity for one principal and as boundary for another", () => {
    const s3only = stmts({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    const all = stmts({ Effect: "Allow", Action: "*", Resource: "*" });
    expect(held(rights(all, s3only))).toEqual(["s3:deletebucket", "s3:deleteobject", "s3:getobject"]);
    expect(held(rights(s3only, all))).toEqual(["s3:deletebucket", "s3:deleteobject", "s3:getobject"]);
    expect(held(rights(s3only))).toEqual(["s3:deletebucket", "s3:deleteobject", "s3:getobject"]);
  });
});

describe("performance", () => {
  it("hundreds of principals with shared policies over a catalogue-sized universe are fast", () => {
    const acts: string[] = [];
    for (let s = 0; s < 40; s++) for (let a = 0; a < 10; a++) acts.push(`svc${s}:Delete${a}Thing`);
    const big = new ActionUniverse(acts);
    const shared = [
      ...stmts({ Effect: "Allow", NotAction: ["svc0:*", "svc1:*"], Resource: "*" }),
      ...stmts({ Effect: "Deny", Action: "svc2:*", Resource: "*" }, { Effect: "Deny", Action: "svc3:delete?thing", Resource: "arn:aws:svc3:*:*:thing/prod-*" }),
    ];
    const boundary = stmts({ Effect: "Allow", Action: ["svc*:*"], Resource: "*" }, { Effect: "Deny", Action: "svc4:*", NotResource: "arn:aws:svc4:*:*:thing/dev-*" });
    const t0 = Date.now();
    let total = 0;
    for (let p = 0; p < 500; p++) {
      const own = stmts({ Effect: "Allow", Action: [`svc${p % 40}:*`, "svc5:delete1*"], Resource: `arn:aws:svc${p % 40}:*:*:thing/app-${p}-*` });
      total += effectiveRights({ principal: `p${p}`, identity: [...shared, ...own], boundary: p % 2 ? boundary : undefined, universe: big }).grants.size;
    }
    expect(total).toBeGreaterThan(500 * 300);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe("short ARN patterns", () => {
  it("an Allow on a short ARN without a final * also counts padded with * segments (fail closed)", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: ["arn:aws:ec2:us-east-1", `${VOL}/x`] }));
    expect(resourcesOf(r, "ec2:DeleteVolume")).toEqual([["arn:aws:ec2:us-east-1", "arn:aws:ec2:us-east-1:*:*", `${VOL}/x`]]);
    expect(grantsFor(r, "ec2:DeleteVolume", "arn:aws:ec2:us-east-1:1:volume/v")).toHaveLength(1);
  });

  it("a Deny on a short ARN is read literally (covers less)", () => {
    const r = rights(stmts({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: `${VOL}/x` }, { Effect: "Deny", Action: "*", Resource: "arn:aws:ec2:us-east-1" }));
    expect(r.grants.has("ec2:deletevolume")).toBe(true);
  });
});
