/**
 * CloudFormation's intrinsic functions as far as a plan shows what they read (red-team round 60): what is known
 * comes out as the value, what is not as an Unknown whose text changes only when its inputs do.
 */
import { evaluate, fingerprint, hasDeploy, NO_VALUE, scopeOf, Unknown } from "../../lib/plan/cfn-evaluate";

const template = {
  Parameters: {
    Env: { Type: "String", Default: "prod" },
    Days: { Type: "Number" },
    Zones: { Type: "CommaDelimitedList", Default: "a,b" },
    FromSsm: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/x" },
  },
  Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] }, Long: { "Fn::And": [{ Condition: "IsProd" }, { "Fn::Not": [{ "Fn::Equals": [{ Ref: "Days" }, "1"] }] }] } },
  Mappings: { M: { prod: { n: 35 }, dev: { n: 1 } } },
  Resources: { B: { Type: "AWS::S3::Bucket", Properties: { BucketName: { Ref: "Env" } } } },
};
const scope = (passed: Record<string, unknown> | "unknown" = { Days: "7" }) => scopeOf(template, passed, (r) => r.Properties);

test("parameters, their Defaults, list types and pseudo parameters", () => {
  expect(evaluate({ Ref: "Days" }, scope())).toBe("7");
  expect(evaluate({ Ref: "Env" }, scope())).toBe("prod");
  expect(evaluate({ Ref: "Zones" }, scope())).toEqual(["a", "b"]);
  expect(evaluate({ Ref: "Days" }, scope({}))).toBeInstanceOf(Unknown);
  expect(evaluate({ Ref: "Env" }, scope("unknown"))).toBeInstanceOf(Unknown);
  expect(fingerprint(evaluate({ Ref: "AWS::Region" }, scope()))).toBe(fingerprint(evaluate({ Ref: "AWS::Region" }, scope({ Days: "8" }))));
});

test("values read at deploy time are marked so", () => {
  expect(hasDeploy(evaluate({ Ref: "FromSsm" }, scope()))).toBe(true);
  expect(hasDeploy(evaluate("{{resolve:ssm:/a}}", scope()))).toBe(true);
  expect(hasDeploy(evaluate({ Ref: "Days" }, scope({})))).toBe(false);
});

test("conditions, Fn::If and AWS::NoValue", () => {
  expect(evaluate({ "Fn::If": ["Long", 35, 1] }, scope())).toBe(35);
  expect(evaluate({ "Fn::If": ["Long", 35, 1] }, scope({ Days: "1" }))).toBe(1);
  expect(evaluate({ "Fn::If": ["Long", 35, 1] }, scope({ Env: "dev", Days: "7" }))).toBe(1);
  expect(evaluate({ "Fn::If": ["Long", 35, 1] }, scope({}))).toBeInstanceOf(Unknown);
  // Both branches alike: the condition does not matter.
  expect(evaluate({ "Fn::If": ["Long", 5, 5] }, scope({}))).toBe(5);
  expect(evaluate({ A: { "Fn::If": ["IsProd", { Ref: "AWS::NoValue" }, 1] }, B: 2 }, scope())).toEqual({ B: 2 });
  expect(evaluate({ Ref: "AWS::NoValue" }, scope())).toBe(NO_VALUE);
});

test("Sub, Join, Select, Split and FindInMap with known inputs give the value", () => {
  expect(evaluate({ "Fn::Sub": "${Env}-${Days}-${!Literal}" }, scope())).toBe("prod-7-${Literal}");
  expect(evaluate({ "Fn::Sub": ["${X}/${Env}", { X: { Ref: "Days" } }] }, scope())).toBe("7/prod");
  expect(evaluate({ "Fn::Join": ["-", [{ Ref: "Env" }, "x"]] }, scope())).toBe("prod-x");
  expect(evaluate({ "Fn::Select": [1, { Ref: "Zones" }] }, scope())).toBe("b");
  expect(evaluate({ "Fn::Split": [",", "a,b"] }, scope())).toEqual(["a", "b"]);
  expect(evaluate({ "Fn::FindInMap": ["M", { Ref: "Env" }, "n"] }, scope())).toBe(35);
});

test("a value that names a resource follows what the resource's name follows", () => {
  const a = evaluate({ "Fn::Sub": "arn:aws:s3:::${B}/*" }, scope({ Env: "a" }));
  const b = evaluate({ "Fn::Sub": "arn:aws:s3:::${B}/*" }, scope({ Env: "b" }));
  expect(a).toBeInstanceOf(Unknown);
  expect(fingerprint(a)).not.toBe(fingerprint(b));
  expect(fingerprint(a)).toBe(fingerprint(evaluate({ "Fn::Sub": "arn:aws:s3:::${B}/*" }, scope({ Env: "a", Days: "9" }))));
});
