/**
 * plan-stack-template-drops-data, red-team round 67 (report B, finding 1): AWS::Include has no documented version
 * pin. Its Location is an S3 URI (`s3://bucket/file`), where `?versionId=...` is part of the object's key, so
 * CloudFormation reads the current object of that key anew at every update. Only an https S3 object URL of a nested
 * stack's TemplateURL (or a stack's template_url) pins a version.
 */
import { BLOCKED, details, judged, stack, tpl, type Obj } from "./template-stacks";

const include = (location: string) => ({ Name: "AWS::Include", Parameters: { Location: location } });
const tags = (t: string): Obj => stack(t, t, [{}, {}], [{ tags: { team: "a" } }, { tags: { team: "b" } }]);
const TOPIC = { Q: { Type: "AWS::SNS::Topic", Properties: {} } };
const VERSION = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";

describe("RT67-B1: an AWS::Include Location is never pinned", () => {
  test("an s3:// Location with ?versionId=, top-level or Fn::Transform, tags only changed: blocked", () => {
    expect(judged([tags(tpl(TOPIC, { Transform: [include(`s3://snip-bucket/tables.yaml?versionId=${VERSION}`)] }))])).toEqual(BLOCKED);
    expect(judged([tags(tpl({ "Fn::Transform": include(`s3://snip-bucket/tables.yaml?versionId=${VERSION}`), ...TOPIC }))])).toEqual(BLOCKED);
  });

  test("an https Location with ?versionId= is no documented pin either: blocked", () => {
    expect(judged([tags(tpl({ "Fn::Transform": include(`https://snip-bucket.s3.amazonaws.com/tables.yaml?versionId=${VERSION}`), ...TOPIC }))])).toEqual(BLOCKED);
  });

  test("the message says what works: inline the snippet, or a nested stack with a pinned https TemplateURL", () => {
    const d = details([tags(tpl(TOPIC, { Transform: include(`s3://snip-bucket/tables.yaml?versionId=${VERSION}`) }))]);
    const line = d.find((x) => x.includes("AWS::Include"));
    expect(line).toContain("inline");
    expect(line).toContain("nested stack");
    expect(line).not.toContain("a Location ending ?versionId=");
  });

  test("a nested stack's s3:// TemplateURL with ?versionId= is no pin (CloudFormation takes https URLs there)", () => {
    const nested = (url: string) => tpl({ DataTier: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url } } });
    expect(judged([tags(nested(`s3://templates/tier.json?versionId=${VERSION}`))])).toEqual(BLOCKED);
    expect(judged([stack(tpl(TOPIC), tpl(TOPIC), [{}, {}], [{ template_url: `s3://templates/app.json?versionId=${VERSION}` }, { template_url: `s3://templates/app.json?versionId=${VERSION}`, tags: { a: "b" } }])])).toEqual(BLOCKED);
  });

  test("the controls: a nested stack's and a stack's https TemplateURL pinned by versionId, tags only changed: pass", () => {
    const nested = (url: string) => tpl({ DataTier: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: url } } });
    expect(judged([tags(nested(`https://templates.s3.us-east-1.amazonaws.com/tier.json?versionId=${VERSION}`))])).toEqual([]);
    const url = `https://templates.s3.amazonaws.com/app.json?versionId=${VERSION}`;
    expect(judged([stack(tpl(TOPIC), tpl(TOPIC), [{}, {}], [{ template_url: url }, { template_url: url, tags: { a: "b" } }])])).toEqual([]);
    // An include with no versionId, still blocked; an API's definition, still inert.
    expect(judged([tags(tpl(TOPIC, { Transform: include("s3://snip-bucket/tables.yaml") }))])).toEqual(BLOCKED);
    const api = tpl({ Api: { Type: "AWS::Serverless::Api", Properties: { StageName: "prod", DefinitionBody: { "Fn::Transform": include("s3://specs/openapi.yaml") } } } }, { Transform: "AWS::Serverless-2016-10-31" });
    expect(judged([tags(api)])).toEqual([]);
  });
});
