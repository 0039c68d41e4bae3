import { ActionUniverse } from "../../lib/engine/iam/actions";

const ACTIONS = [
  "ec2:DeleteVolume",
  "ec2:DeleteSnapshot",
  "ec2:TerminateInstances",
  "ecs:ExecuteCommand",
  "rds:DeleteDBInstance",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutBucketPolicy",
  "iam:PutRolePolicy",
  "iam:PassRole",
];
const u = new ActionUniverse(ACTIONS);
const names = (idx: readonly number[]) => idx.map((i) => u.name(i));

describe("ActionUniverse", () => {
  it("keeps canonical names and finds them in any case", () => {
    expect(u.size).toBe(ACTIONS.length);
    expect(u.indexOf("EC2:deletevolume")).toBe(0);
    expect(u.name(u.indexOf("s3:putbucketpolicy")!)).toBe("s3:PutBucketPolicy");
    expect(u.indexOf("ec2:DeleteVolumez")).toBeUndefined();
  });

  it("drops duplicates that differ only in case", () => {
    const d = new ActionUniverse(["s3:GetObject", "S3:GETOBJECT", "s3:PutObject"]);
    expect(d.names).toEqual(["s3:GetObject", "s3:PutObject"]);
  });

  it("matches * and literal patterns", () => {
    expect(u.matching("*")).toHaveLength(ACTIONS.length);
    expect(names(u.matching("ec2:deletevolume"))).toEqual(["ec2:DeleteVolume"]);
    expect(u.matching("ec2:nosuchaction")).toEqual([]);
  });

  it("matches prefix wildcards, ? and mixed case", () => {
    expect(names(u.matching("ec2:delete*"))).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot"]);
    expect(names(u.matching("EC2:Delete*"))).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot"]);
    expect(names(u.matching("s3:deleteobject?ersion"))).toEqual(["s3:DeleteObjectVersion"]);
    expect(names(u.matching("s3:deleteobject?version"))).toEqual([]);
    expect(names(u.matching("s3:deleteobjectv?rsion"))).toEqual(["s3:DeleteObjectVersion"]);
    expect(names(u.matching("*:*role*"))).toEqual(["iam:PutRolePolicy", "iam:PassRole"]);
  });

  it("reads a wildcard in the service prefix as every matching service (fail closed)", () => {
    expect(names(u.matching("*:delete*"))).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot", "rds:DeleteDBInstance", "s3:DeleteObject", "s3:DeleteObjectVersion"]);
    expect(names(u.matching("ec*:*"))).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:TerminateInstances", "ecs:ExecuteCommand"]);
    expect(names(u.matching("ec?:*e*"))).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:TerminateInstances", "ecs:ExecuteCommand"]);
  });

  it("does not match across a missing service", () => {
    expect(u.matching("deletevolume")).toEqual([]);
    expect(u.matching("ec2")).toEqual([]);
  });

  it("caches: the same pattern returns the same array", () => {
    expect(u.matching("s3:*")).toBe(u.matching("s3:*"));
    expect(u.actionSet(["s3:*", "iam:*"])).toBe(u.actionSet(["s3:*", "iam:*"]));
  });

  it("Action sets are unions and NotAction sets complements within the universe", () => {
    const a = u.statementActions({ actions: ["s3:delete*", "iam:passrole"] });
    expect(names(a.indices)).toEqual(["s3:DeleteObject", "s3:DeleteObjectVersion", "iam:PassRole"]);
    expect(a.has(u.indexOf("iam:PassRole")!)).toBe(true);
    expect(a.has(u.indexOf("iam:PutRolePolicy")!)).toBe(false);
    const n = u.statementActions({ notActions: ["iam:*", "s3:*"] });
    expect(names(n.indices)).toEqual(["ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:TerminateInstances", "ecs:ExecuteCommand", "rds:DeleteDBInstance"]);
    expect(u.statementActions({ notActions: [] }).isAll).toBe(true);
    expect(u.statementActions({ actions: [] }).size).toBe(0);
    expect(u.statementActions({}).size).toBe(0);
  });

  it("overlaps tells whether two sets share an action", () => {
    const ec2 = u.actionSet(["ec2:*"]);
    expect(ec2.overlaps(u.actionSet(["*:terminate*"]))).toBe(true);
    expect(ec2.overlaps(u.actionSet(["s3:*"]))).toBe(false);
    expect(ec2.overlaps(u.everything)).toBe(true);
    expect(u.empty.overlaps(u.everything)).toBe(false);
  });

  it("is fast on a large universe: thousands of distinct patterns over 20k actions", () => {
    const big: string[] = [];
    for (let s = 0; s < 200; s++) for (let a = 0; a < 100; a++) big.push(`svc${s}:Action${a}Thing`);
    const bu = new ActionUniverse(big);
    const t0 = Date.now();
    let total = 0;
    for (let s = 0; s < 200; s++) {
      total += bu.matching(`svc${s}:action1*`).length; // literal service: scans one service only
      total += bu.matching(`svc${s}:*`).length;
    }
    for (let k = 0; k < 20; k++) total += bu.matching(`*:action${k}thing`).length; // wildcard service: full scan
    for (let rep = 0; rep < 1000; rep++) total += bu.matching("svc1:*").length; // cached
    expect(total).toBe(200 * 11 + 200 * 100 + 20 * 200 + 1000 * 100);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
