/**
 * plan-stack-template-drops-data, red-team round 69 (report B, findings 3 and 4): pinnedVersion() took an S3 Object
 * Lambda access point alias (a bucket name ending --ol-s3, whose function rewrites every GET) and an access point
 * alias (-s3alias) as the bucket of a pinned URL, virtual-hosted or path-style; and it counted version-pinned URLs on
 * documented S3 endpoints as unpinned (each costing an approval): dualstack, FIPS, s3-external-1, the ISO, ISO-B and
 * EUSC partitions, a legacy path-style bucket name with capitals or underscores, and a percent-encoded versionId
 * (S3 version IDs may hold `/`, `+` and `=`, which a URL encodes). Reserved bucket-name suffixes (access point,
 * Object Lambda, Multi-Region Access Point, S3 Tables aliases; directory buckets, which keep no versions) pin nothing.
 */
import { BLOCKED } from "./template-stacks";
import { nested, top, V } from "./template-pins";

const NOT_PINNED: [string, string][] = [
  ["an Object Lambda alias as the bucket", `https://my-olap-abcdefghij1234567890--ol-s3.s3.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an Object Lambda alias, path-style", `https://s3.us-east-1.amazonaws.com/my-olap-abcdefghij1234567890--ol-s3/t.json?versionId=${V}`],
  ["an Object Lambda alias, dualstack", `https://my-olap-abcdefghij1234567890--ol-s3.s3.dualstack.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an access point alias as the bucket", `https://my-ap-abcdefghij1234567890-s3alias.s3.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an access point alias, path-style in capitals", `https://s3.amazonaws.com/MY-AP-ABCDEFGHIJ1234567890-S3ALIAS/t.json?versionId=${V}`],
  ["a directory bucket (no versioning)", `https://tpl--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["a directory bucket name on an S3 host", `https://s3.us-east-1.amazonaws.com/tpl--use1-az4--x-s3/t.json?versionId=${V}`],
  ["a Multi-Region Access Point alias", `https://s3.amazonaws.com/mfzwi23gnjvgw.mrap/t.json?versionId=${V}`],
  ["an S3 Tables bucket alias", `https://s3.us-east-1.amazonaws.com/abc--table-s3/t.json?versionId=${V}`],
  ["an access point FIPS host", `https://ap-111111111111.s3-accesspoint-fips.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an Object Lambda host, dualstack", `https://ap-111111111111.s3-object-lambda.dualstack.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["an Object Lambda alias as a label of a longer bucket", `https://x--ol-s3.s3.us-east-1.s3.amazonaws.com/t.json?versionId=${V}`],
  ["a website endpoint", `https://b.s3-website-us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["a look-alike partition domain", `https://b.s3.us-east-1.amazonaws.eu.evil.example/t.json?versionId=${V}`],
  ["a percent-encoded ampersand in the versionId", "https://b.s3.amazonaws.com/t.json?versionId=a%26versionId%3Db"],
  ["a percent-encoded space in the versionId", "https://b.s3.amazonaws.com/t.json?versionId=a%20b"],
  ["a percent-encoded hash in the versionId", "https://b.s3.amazonaws.com/t.json?versionId=a%23b"],
  ["a percent-encoded control or non-ASCII byte", "https://b.s3.amazonaws.com/t.json?versionId=a%0Ab%C3%A9"],
  ["a broken percent escape", "https://b.s3.amazonaws.com/t.json?versionId=a%2"],
  ["null spelled in percent-encoding", "https://b.s3.amazonaws.com/t.json?versionId=%6Eull"],
  ["a raw plus (a space to a form decoder)", "https://b.s3.amazonaws.com/t.json?versionId=a+b"],
  ["a path-style bucket name with a space", `https://s3.amazonaws.com/My%20Bucket/t.json?versionId=${V}`],
];

const PINNED: [string, string][] = [
  ["dualstack, virtual-hosted", `https://my-bucket.s3.dualstack.us-west-2.amazonaws.com/t.json?versionId=${V}`],
  ["dualstack, path-style", `https://s3.dualstack.us-west-2.amazonaws.com/my-bucket/t.json?versionId=${V}`],
  ["FIPS, virtual-hosted", `https://my-bucket.s3-fips.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["FIPS dualstack", `https://my-bucket.s3-fips.dualstack.us-east-1.amazonaws.com/t.json?versionId=${V}`],
  ["FIPS in GovCloud", `https://my-bucket.s3-fips.us-gov-west-1.amazonaws.com/t.json?versionId=${V}`],
  ["s3-external-1", `https://s3-external-1.amazonaws.com/my-bucket/t.json?versionId=${V}`],
  ["ISO-B (sc2s.sgov.gov)", `https://my-bucket.s3.us-isob-east-1.sc2s.sgov.gov/t.json?versionId=${V}`],
  ["ISO (c2s.ic.gov)", `https://s3.us-iso-east-1.c2s.ic.gov/my-bucket/t.json?versionId=${V}`],
  ["EUSC (amazonaws.eu)", `https://my-bucket.s3.eusc-de-east-1.amazonaws.eu/t.json?versionId=${V}`],
  ["a legacy path-style bucket name", `https://s3.amazonaws.com/My_Bucket/t.json?versionId=${V}`],
  ["the documented versionId, percent-encoded", "https://b.s3.amazonaws.com/t.json?versionId=3%2FL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY%2BMTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"],
  ["a percent-encoded = in lower case", "https://b.s3.amazonaws.com/t.json?versionId=abc%3d"],
];

describe("RT69-B3/B4: reserved bucket aliases pin nothing; documented S3 endpoints pin", () => {
  test.each(NOT_PINNED)("a nested stack's TemplateURL with %s counts", (_n, url) => {
    expect(nested(url)).toEqual(BLOCKED);
  });

  test.each(NOT_PINNED)("a stack's template_url with %s counts", (_n, url) => {
    expect(top(url)).toEqual(BLOCKED);
  });

  test.each(PINNED)("%s is a pin", (_n, url) => {
    expect(nested(url)).toEqual([]);
    expect(top(url)).toEqual([]);
  });

  test("controls: a plain pinned URL passes, an unpinned one counts", () => {
    expect(nested(`https://b.s3.amazonaws.com/t.json?versionId=${V}`)).toEqual([]);
    expect(nested("https://b.s3.amazonaws.com/t.json")).toEqual(BLOCKED);
  });
});
