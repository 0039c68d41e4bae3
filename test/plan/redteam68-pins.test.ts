/**
 * plan-stack-template-drops-data, red-team round 68 (report B, findings 4 and 5): pinnedVersion() judged a template
 * URL as the WHATWG parser reads it (which drops tabs and newlines: `?version\tId=` was a pin), never checked the host
 * (evil.example.com, a look-alike, userinfo), took a repeated versionId from its first value, and took an S3 Object
 * Lambda URL (a function rewrites every GET) as pinned. A pin is now: printable ASCII with no whitespace, https, an
 * S3 endpoint host (virtual-hosted or path-style, a region or none, .amazonaws.com or .amazonaws.com.cn), no
 * userinfo or port, and exactly one non-empty versionId. Anything else counts at every update.
 */
import { BLOCKED } from "./template-stacks";
import { nested, top, V } from "./template-pins";

const NOT_PINNED: [string, string][] = [
  ["a tab in the parameter's name", `https://b.s3.amazonaws.com/t.json?version\tId=${V}`],
  ["a newline in the parameter's name", `https://b.s3.amazonaws.com/t.json?versionId\n=${V}`],
  ["a host that is not S3", `https://evil.example.com/t.json?versionId=${V}`],
  ["a look-alike host", `https://b.s3.amazonaws.com.evil.example/t.json?versionId=${V}`],
  ["userinfo", `https://b.s3.amazonaws.com@evil.example/t.json?versionId=${V}`],
  ["a backslash before userinfo", `https://evil.example\\@b.s3.amazonaws.com/t.json?versionId=${V}`],
  ["a port", `https://b.s3.amazonaws.com:443/t.json?versionId=${V}`],
  ["versionId twice", `https://b.s3.amazonaws.com/t.json?versionId=${V}&versionId=`],
  ["versionId twice, empty first", `https://b.s3.amazonaws.com/t.json?versionId=&versionId=${V}`],
  ["versionId twice, both set", `https://b.s3.amazonaws.com/t.json?versionId=${V}&versionId=${V}`],
  ["a percent-encoded name beside it", `https://b.s3.amazonaws.com/t.json?version%49d=A&versionId=${V}`],
  ["an S3 Object Lambda access point", `https://ap-111111111111.s3-object-lambda.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an S3 access point", `https://ap-111111111111.s3-accesspoint.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["a leading space", ` https://b.s3.amazonaws.com/t.json?versionId=${V}`],
  ["a non-ASCII character", `https://b.s3.amazonaws.com/t\u00e9.json?versionId=${V}`],
  ["http", `http://b.s3.amazonaws.com/t.json?versionId=${V}`],
  ["null", "https://b.s3.amazonaws.com/t.json?versionId=null"],
  ["null spelled in percent-encoding", "https://b.s3.amazonaws.com/t.json?versionId=nul%6C"],
  ["VersionId", `https://b.s3.amazonaws.com/t.json?VersionId=${V}`],
  ["a path-style URL with no key", `https://s3.amazonaws.com/b?versionId=${V}`],
];

const PINNED: [string, string][] = [
  ["virtual-hosted, global", `https://templates.s3.amazonaws.com/app/t.json?versionId=${V}`],
  ["virtual-hosted, regional", `https://templates.s3.eu-west-1.amazonaws.com/t.json?versionId=${V}`],
  ["virtual-hosted, dash-regional", `https://templates.s3-eu-west-1.amazonaws.com/t.json?versionId=${V}`],
  ["path-style, global", `https://s3.amazonaws.com/templates/t.json?versionId=${V}`],
  ["path-style, regional", `https://s3.us-gov-west-1.amazonaws.com/templates/t.json?versionId=${V}`],
  ["path-style, dash-regional", `https://s3-ap-southeast-2.amazonaws.com/templates/t.json?versionId=${V}`],
  ["China", `https://templates.s3.cn-north-1.amazonaws.com.cn/t.json?versionId=${V}`],
  ["a bucket with dots, another parameter beside", `https://my.templates.s3.us-east-1.amazonaws.com/t.json?x-id=GetObject&versionId=${V}`],
];

describe("RT68-B4: only an S3 object URL with one versionId pins a template", () => {
  test.each(NOT_PINNED)("a nested stack's TemplateURL with %s counts", (_n, url) => {
    expect(nested(url)).toEqual(BLOCKED);
  });

  test.each(NOT_PINNED)("a stack's template_url with %s counts", (_n, url) => {
    expect(top(url)).toEqual(BLOCKED);
  });

  test.each(PINNED)("the controls: %s is a pin", (_n, url) => {
    expect(nested(url)).toEqual([]);
    expect(top(url)).toEqual([]);
  });

  test("the unpinned control counts", () => {
    expect(nested("https://b.s3.amazonaws.com/t.json")).toEqual(BLOCKED);
  });
});
