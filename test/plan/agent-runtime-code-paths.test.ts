/**
 * plan-agent-runtime-moved pairs a new runtime with a retired agent runtime by the package it runs, however the plan
 * spells it: a Lambda package's path absolute in one resource and relative in another (the prior state keeps the path
 * as its last apply wrote it, in whatever directory that ran), and one package deployed from S3 in one function and by
 * filename in another, told the same by its SHA-256 (source_code_hash, code_sha256) in hex or base64.
 */
import { fileKey, samePackagePath, sha256Key } from "../../lib/plan/rules/runtime-code";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, planWithStates, tempDir, writeTemp, type PlannedChange } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const role = (name: string, tags: Record<string, string> = {}) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: trust("lambda.amazonaws.com"), tags, tags_all: tags });

type Change = PlannedChange;
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;

const plan = planWithStates;
const found = (changes: Change[]) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan(changes)))), { config: {} }).judged.filter((j) => j.finding.ruleId === "plan-agent-runtime-moved");
const flagged = (changes: Change[]) => found(changes).map((j) => j.finding.resource).sort();

const coder = role("coder", AGENT);
const helper = role("helper");
const roles = [same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper)];
const fn = (name: string, r: { arn: string }, code: Record<string, unknown>, tags: Record<string, string> = {}) => ({ function_name: name, role: r.arn, handler: "index.handler", runtime: "nodejs20.x", ...code, tags, tags_all: tags });
/** The agent's function retired, a function under another name created on the helper role. */
const moved = (agentCode: Record<string, unknown>, newCode: Record<string, unknown>) => [...roles, del("aws_lambda_function.agent", fn("coder", coder, agentCode)), add("aws_lambda_function.report", fn("report", helper, newCode))];

// One package's SHA-256, as filebase64sha256 and Lambda's CodeSha256 write it, and as filesha256 writes it.
const B64 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
const HEX = Buffer.from(B64, "base64").toString("hex");
const OTHER = "b3RoZXIgcGFja2FnZSBoYXNoIG9mIHRoZSByZXBvcnQ=";

describe("a package by an absolute path and a relative one", () => {
  test("absolute in the retired agent function, relative (bare, ./, path.module of the root) in the new one, and the other way round: blocked, the message says why", () => {
    for (const rel of ["build/fn.zip", "./build/fn.zip", "./build/../build/fn.zip"]) {
      const out = found(moved({ filename: "/abs/dir/build/fn.zip" }, { filename: rel }));
      expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.report"]);
      const m = out[0].finding.message;
      expect(m).toContain("aws_lambda_function.agent");
      expect(m).toContain('"/abs/dir/build/fn.zip"');
      expect(m).toContain("relative path");
      expect(m).toContain("taken as the same package");
    }
    expect(flagged(moved({ filename: "build/fn.zip" }, { filename: "/abs/dir/build/fn.zip" }))).toEqual(["aws_lambda_function.report"]);
  });

  test("a relative path that leaves the working directory with .. and comes back, a module's path.module under an absolute root, a Windows path: blocked", () => {
    expect(flagged(moved({ filename: "../infra/build/fn.zip" }, { filename: "build/fn.zip" }))).toEqual(["aws_lambda_function.report"]);
    expect(flagged(moved({ filename: "/home/runner/work/repo/modules/agent/build/fn.zip" }, { filename: "modules/agent/build/fn.zip" }))).toEqual(["aws_lambda_function.report"]);
    expect(flagged(moved({ filename: "C:\\work\\infra\\build\\fn.zip" }, { filename: "build/fn.zip" }))).toEqual(["aws_lambda_function.report"]);
  });

  test("controls: two absolute paths that differ, two relative ones read from one directory, a suffix off a segment boundary, another file: pass", () => {
    expect(flagged(moved({ filename: "/abs/dir/build/fn.zip" }, { filename: "/abs/other/build/fn.zip" }))).toEqual([]);
    expect(flagged(moved({ filename: "build/fn.zip" }, { filename: "modules/report/build/fn.zip" }))).toEqual([]);
    expect(flagged(moved({ filename: "../build/fn.zip" }, { filename: "build/fn.zip" }))).toEqual([]);
    expect(flagged(moved({ filename: "/abs/dir/xbuild/fn.zip" }, { filename: "build/fn.zip" }))).toEqual([]);
    expect(flagged(moved({ filename: "/abs/dir/build/fn.zip" }, { filename: "build/report.zip" }))).toEqual([]);
  });

  test("controls: the same package on an agent role passes; a retired function that ran the new spelling on the same role excuses it", () => {
    expect(flagged([...roles, del("aws_lambda_function.agent", fn("coder", coder, { filename: "/abs/dir/build/fn.zip" })), add("aws_lambda_function.report", fn("report", coder, { filename: "build/fn.zip" }))])).toEqual([]);
    const sibling = del("aws_lambda_function.old", fn("old", helper, { filename: "build/fn.zip" }));
    expect(flagged([...moved({ filename: "/abs/dir/build/fn.zip" }, { filename: "build/fn.zip" }), sibling])).toEqual([]);
  });

  test("samePackagePath: why two spellings may be one file, or undefined", () => {
    const near = (a: string, b: string) => samePackagePath(fileKey(a), fileKey(b));
    expect(near("/abs/dir/build/fn.zip", "./build/fn.zip")).toContain("is a relative path, read from the directory Terraform runs in");
    expect(near("../../a/b/x.zip", "../b/x.zip")).toContain('when the directory 1 level above the one Terraform runs in ends in "a"');
    expect(near("build/fn.zip", "./build/fn.zip")).toBeUndefined();
    expect(near("../x.zip", "x.zip")).toBeUndefined();
    expect(near("/a/x.zip", "/b/x.zip")).toBeUndefined();
    expect(near("/", "..")).toBeUndefined();
  });
});

describe("one package by S3 and by filename, told the same by its SHA-256", () => {
  const S3 = { s3_bucket: "artifacts", s3_key: "agent/fn.zip", s3_object_version: "7" };

  test("the same base64 hash on an S3 package and a filename one, either way, source_code_hash or the state's code_sha256: blocked", () => {
    expect(flagged(moved({ ...S3, source_code_hash: B64 }, { filename: "build/fn.zip", source_code_hash: B64 }))).toEqual(["aws_lambda_function.report"]);
    expect(flagged(moved({ filename: "build/fn.zip", code_sha256: B64 }, { ...S3, source_code_hash: B64 }))).toEqual(["aws_lambda_function.report"]);
  });

  test("the digest in hex (filesha256) on one side and base64 (filebase64sha256, CodeSha256) on the other: blocked", () => {
    const out = found(moved({ ...S3, code_sha256: B64 }, { filename: "build/fn.zip", source_code_hash: HEX }));
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.report"]);
    expect(out[0].finding.message).toContain(`the same source_code_hash as aws_lambda_function.agent`);
    expect(flagged(moved({ filename: "build/fn.zip", source_code_hash: HEX.toUpperCase() }, { ...S3, source_code_hash: B64 }))).toEqual(["aws_lambda_function.report"]);
  });

  test("controls: another digest in either spelling, an S3 object of another version with another hash: pass", () => {
    expect(flagged(moved({ ...S3, code_sha256: B64 }, { filename: "build/fn.zip", source_code_hash: Buffer.from(OTHER, "base64").toString("hex") }))).toEqual([]);
    expect(flagged(moved({ ...S3, code_sha256: B64 }, { filename: "build/fn.zip", source_code_hash: OTHER }))).toEqual([]);
    expect(flagged(moved({ ...S3, source_code_hash: B64 }, { ...S3, s3_object_version: "8", source_code_hash: OTHER }))).toEqual([]);
    expect(sha256Key(HEX)).toBe(B64);
    expect(sha256Key("not-a-digest")).toBe("not-a-digest");
  });
});
