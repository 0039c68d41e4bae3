/**
 * plan-stack-template-drops-data, red-team round 68 (report B, finding 1): an `Fn::Transform` written directly in a
 * resource, beside its Type (an AWS::Include, single or in a list, or a macro), gets the whole resource as its
 * fragment and may return it with another DeletionPolicy, name or Condition; CloudFormation runs it anew at every
 * update. One at the template's root counts too (fail closed). Every `Fn::Transform` key counts, except an
 * AWS::Include in an API's Properties (its definition).
 */
import { BLOCKED, judged, stack, tpl, type Obj } from "./template-stacks";

const include = { Name: "AWS::Include", Parameters: { Location: "s3://snip-bucket/table-extra.json" } };
const macro = { Name: "MyMacro", Parameters: {} };
const TABLE = { Type: "AWS::DynamoDB::Table", Properties: { TableName: "orders", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" } };
const tags = (t: string): Obj => stack(t, t, [{}, {}], [{ tags: { a: "1" } }, { tags: { a: "2" } }]);

describe("RT68-B1: an Fn::Transform beside a resource's Type, or at the template's root, counts", () => {
  test("an AWS::Include at the resource's level (single, and the list form), tags only changed: blocked", () => {
    expect(judged([tags(tpl({ T: { ...TABLE, "Fn::Transform": include } }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ T: { ...TABLE, "Fn::Transform": [include] } }))])).toEqual(BLOCKED);
  });

  test("a macro at the resource's level: blocked", () => {
    expect(judged([tags(tpl({ T: { ...TABLE, "Fn::Transform": macro } }))])).toEqual(BLOCKED);
  });

  test("a macro or an include at the template's root: blocked", () => {
    expect(judged([tags(tpl({ T: TABLE }, { "Fn::Transform": macro }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ T: TABLE }, { "Fn::Transform": include }))])).toEqual(BLOCKED);
  });

  test("an include beside an API's Type (not in its Properties) may rewrite the whole resource: blocked", () => {
    const api = { Type: "AWS::Serverless::Api", Properties: { StageName: "p" }, "Fn::Transform": include };
    expect(judged([tags(tpl({ A: api, T: TABLE }, { Transform: "AWS::Serverless-2016-10-31" }))])).toEqual(BLOCKED);
  });

  test("the controls: the include in Properties or under Resources still counts; an API's definition and a plain table pass", () => {
    expect(judged([tags(tpl({ T: { ...TABLE, Properties: { "Fn::Transform": include } } }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ T: TABLE, "Fn::Transform": include }))])).toEqual(BLOCKED);
    const api = { Type: "AWS::Serverless::Api", Properties: { StageName: "p", DefinitionBody: { "Fn::Transform": include } } };
    expect(judged([tags(tpl({ A: api, T: TABLE }, { Transform: "AWS::Serverless-2016-10-31" }))])).toEqual([]);
    expect(judged([tags(tpl({ T: TABLE }))])).toEqual([]);
    // SAM and AWS::LanguageExtensions at the resource's level expand the template alone: judged as written.
    expect(judged([tags(tpl({ T: { ...TABLE, "Fn::Transform": { Name: "AWS::LanguageExtensions" } } }))])).toEqual([]);
  });
});
