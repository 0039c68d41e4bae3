/**
 * Red-team round 111:
 * - F2: `data.aws_cloudformation_export.e.value` was taken to carry nothing, as an attribute AWS makes, though it is the
 *   output a stack exports under that name. A stack exporting its NoEcho key and the data source's value copied into
 *   tags passed both gates. It now holds what `Fn::ImportValue` of the name would: the exporting output, or every
 *   exported output of the configuration when the name is computed or no stack of it exports the name.
 *   `data.aws_cloudformation_stack`, which reads a stack by name, met only exported outputs: an output that was not
 *   exported, or a parameter that is not NoEcho, read back into tags passed. It now holds what the stacks of that name
 *   show (every stack of the configuration when the name is computed or no stack has it).
 * - F6: `data.aws_arn.a.id` is the whole ARN, but only its parts were taken to hold what the ARN was made from (the
 *   check's cases are in rendered-data-sources-rt110.test.ts, beside the parts').
 */
import { check } from "../helpers/tf";
import { KEY, stack } from "../helpers/credential-store";
import type { PlanJson } from "../../lib/plan/types";
import { errorsIn, KEY_REFS, keyPlan, refs } from "../helpers/credential-plan";

type Obj = Record<string, unknown>;
const ID = "credential-in-configuration";
const tagged = (expr: string, extra: Record<string, Obj>) =>
  check(stack({ ...extra, "aws_ssm_parameter.p": { name: "/ci/note", type: "String", value: "see tags", tags: { k: expr } } }, "ssm:ListTagsForResource", "*"), {}, { strict: true })
    .findings.filter((f) => f.ruleId === ID)
    .map((f) => f.resource);

/** A stack given the key as NoEcho `S`, exporting it as `ci-secret` (unless `exported` is false) and its wait handle as `handle`. */
const template = (exported = true) =>
  JSON.stringify({
    Parameters: { S: { Type: "String", NoEcho: true } },
    Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
    Outputs: { S: { Value: { Ref: "S" }, ...(exported ? { Export: { Name: "ci-secret" } } : {}) }, H: { Value: { Ref: "H" }, Export: { Name: "handle" } } },
  });
const exporter = (exported = true) => ({ "aws_cloudformation_stack.s": { name: "cfg", parameters: { S: KEY }, template_body: template(exported) } });
const exportRead = (name: unknown) => ({ "data.aws_cloudformation_export.e": { name } });

describe("F2 check: a stack's export read back by a data source holds the exported output", () => {
  test.each<[string, string, unknown]>([
    ["the export of the key, by name", "${data.aws_cloudformation_export.e.value}", "ci-secret"],
    ["a name no stack of the configuration exports (any export)", "${data.aws_cloudformation_export.e.value}", "made-elsewhere"],
    ["a name Terraform computes (any export)", "${data.aws_cloudformation_export.e.value}", "${var.export_name}"],
    ["the whole data source, encoded", "${jsonencode(data.aws_cloudformation_export.e)}", "ci-secret"],
  ])("%s, written into tags: an error", (_, expr, name) => {
    expect(tagged(expr, { ...exporter(), ...exportRead(name) })).toEqual(["aws_ssm_parameter.p"]);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["the wait handle's export, by name", "${data.aws_cloudformation_export.e.value}", { ...exporter(), ...exportRead("handle") }],
    ["the exporting stack's id", "${data.aws_cloudformation_export.e.exporting_stack_id}", { ...exporter(), ...exportRead("ci-secret") }],
    ["a name no stack exports, where the key's output is not exported", "${data.aws_cloudformation_export.e.value}", { ...exporter(false), ...exportRead("made-elsewhere") }],
  ])("control: %s", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual([]);
  });
});

describe("F2 check: a stack read back by name holds what that stack shows", () => {
  /** A stack named `name` given the key as `S` (NoEcho unless `echo`), with `outputs`. */
  const given = (address: string, name: string, outputs: Obj, echo = false) => ({
    [address]: { name, parameters: { S: KEY }, template_body: JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: !echo } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: outputs }) },
  });
  const REPEATED = { S: { Value: { Ref: "S" } }, H: { Value: { Ref: "H" } } };
  const HANDLE = { H: { Value: { Ref: "H" } } };
  const read = (name: unknown) => ({ "data.aws_cloudformation_stack.d": { name } });

  test.each<[string, string, Record<string, Obj>]>([
    ["an output repeating the key, not exported", '${data.aws_cloudformation_stack.d.outputs["S"]}', { ...given("aws_cloudformation_stack.s", "cfg", REPEATED), ...read("cfg") }],
    ["a parameter that is not NoEcho", '${data.aws_cloudformation_stack.d.parameters["S"]}', { ...given("aws_cloudformation_stack.s", "cfg", HANDLE, true), ...read("cfg") }],
    ["a name no stack of the configuration has (any stack)", '${data.aws_cloudformation_stack.d.outputs["S"]}', { ...given("aws_cloudformation_stack.s", "cfg", REPEATED), ...read("elsewhere") }],
    ["a name Terraform computes (any stack)", '${data.aws_cloudformation_stack.d.outputs["S"]}', { ...given("aws_cloudformation_stack.s", "cfg", REPEATED), ...read("${var.stack}") }],
  ])("%s, written into tags: an error", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual(["aws_ssm_parameter.p"]);
  });

  test.each<[string, string, Record<string, Obj>]>([
    ["the wait handle's output", '${data.aws_cloudformation_stack.d.outputs["H"]}', { ...given("aws_cloudformation_stack.s", "cfg", REPEATED), ...read("cfg") }],
    ["a NoEcho parameter no output repeats", '${data.aws_cloudformation_stack.d.parameters["S"]}', { ...given("aws_cloudformation_stack.s", "cfg", HANDLE), ...read("cfg") }],
    [
      "another stack of the configuration, read by its name",
      '${data.aws_cloudformation_stack.d.outputs["S"]}',
      { ...given("aws_cloudformation_stack.s", "cfg", REPEATED), "aws_cloudformation_stack.net": { name: "network", template_body: JSON.stringify({ Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: { S: { Value: "vpc-1" } } }) }, ...read("network") },
    ],
  ])("control: %s", (_, expr, extra) => {
    expect(tagged(expr, extra)).toEqual([]);
  });
});

describe("gate: a data source read during apply, its attribute in tags", () => {
  const plan = keyPlan;
  const written = (p: PlanJson) => errorsIn(p, ID);
  const stackGiven = (parameters: Obj) => ({
    address: "aws_cloudformation_stack.s",
    mode: "managed" as const,
    values: { name: "cfg", template_body: template() },
    unknown: { parameters: true, outputs: true, id: true },
    expressions: { name: { constant_value: "cfg" }, template_body: { constant_value: template() }, parameters },
  });
  const read = (name: string) => ({
    address: "data.aws_cloudformation_export.e",
    mode: "data" as const,
    values: { name },
    unknown: { id: true, value: true, exporting_stack_id: true },
    expressions: { name: { constant_value: name } },
  });
  const VALUE = refs("data.aws_cloudformation_export.e.value", "data.aws_cloudformation_export.e");

  test("the export of the key, or a name no stack exports: credential-in-configuration", () => {
    expect(written(plan(VALUE, [stackGiven(KEY_REFS), read("ci-secret")]))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(VALUE, [stackGiven(KEY_REFS), read("made-elsewhere")]))).toEqual(["aws_ssm_parameter.p"]);
  });

  test("a stack read back by name during apply, its output repeating the key: credential-in-configuration; its wait handle's: not", () => {
    const stackRead = { address: "data.aws_cloudformation_stack.d", mode: "data" as const, values: { name: "cfg" }, unknown: { id: true, outputs: true, parameters: true }, expressions: { name: { constant_value: "cfg" } } };
    const output = (o: string) => refs(`data.aws_cloudformation_stack.d.outputs["${o}"]`, "data.aws_cloudformation_stack.d.outputs", "data.aws_cloudformation_stack.d");
    expect(written(plan(output("S"), [stackGiven(KEY_REFS), stackRead]))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(output("H"), [stackGiven(KEY_REFS), stackRead]))).toEqual([]);
  });

  test("controls: the wait handle's export; a stack given no key", () => {
    expect(written(plan(VALUE, [stackGiven(KEY_REFS), read("handle")]))).toEqual([]);
    expect(written(plan(VALUE, [stackGiven(refs("aws_iam_user.ci.name", "aws_iam_user.ci")), read("ci-secret")]))).toEqual([]);
  });

  test("F6: aws_arn's id of an ARN made from the key: credential-in-configuration; of one made from the user's name: not", () => {
    const arn = (made: Obj) => ({
      address: "data.aws_arn.a",
      mode: "data" as const,
      values: {},
      unknown: { arn: true, id: true, partition: true, service: true, region: true, account: true, resource: true },
      expressions: { arn: made },
    });
    const ID_REF = refs("data.aws_arn.a.id", "data.aws_arn.a");
    expect(written(plan(ID_REF, [arn(KEY_REFS)]))).toEqual(["aws_ssm_parameter.p"]);
    expect(written(plan(ID_REF, [arn(refs("aws_iam_user.ci.name", "aws_iam_user.ci"))]))).toEqual([]);
  });
});
