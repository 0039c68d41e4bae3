/**
 * blastwall.json `protected` globs over Terraform addresses and types (red-team round 98, item 3): they were compiled to
 * a RegExp with one `.*` per star and no limit, so a 7-star entry against an 80-character `for_each` key took 20 s.
 */
import { prng } from "../../scripts/bench-fixtures";
import { addressMatch, configProtection, globMatch } from "../../lib/plan/protected";
import { pick } from "../helpers/random-text";

/** The matcher as it was before, kept as the reference (short inputs only). */
function reference(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${pattern.split("*").map(esc).join(".*")}$`).test(value);
}

describe("protected globs", () => {
  it("answer a many-star entry against a long for_each key (minutes with a RegExp)", () => {
    const key = "a".repeat(3000);
    const address = `aws_s3_object.o["${key}"]`;
    const entry = "aws_s3_object.*a*a*a*a*a*a*b";
    expect(addressMatch(entry, address)).toBe(false);
    expect(configProtection("aws_s3_object", [address], { protected: { addresses: [entry] } })).toBeUndefined();
    expect(addressMatch("aws_s3_object.*a*a*a*a*a*a*\"]", address)).toBe(true);
    expect(configProtection("aws_s3_object", [address], { protected: { addresses: ["aws_s3_object.*a*a*a*a*a*a*\"]"] } })?.source).toBe("config-address");
  });

  it("keep their reading: only * is a wildcard, case counts, the whole value must match", () => {
    expect(globMatch("aws_s3_object.o[\"?\"]", 'aws_s3_object.o["x"]')).toBe(false);
    expect(globMatch("aws_s3_object.o[\"?\"]", 'aws_s3_object.o["?"]')).toBe(true);
    expect(globMatch("aws_s3_object.*[\"?\"]", 'aws_s3_object.o["x"]')).toBe(false);
    expect(globMatch("aws_s3_object.*[\"?\"]", 'aws_s3_object.o["?"]')).toBe(true);
    expect(globMatch("aws_db_*", "AWS_DB_INSTANCE")).toBe(false);
    expect(globMatch("aws_db_*", "aws_db_instance")).toBe(true);
    expect(globMatch("*_instance", "aws_db_instance.x")).toBe(false);
    expect(globMatch("a.c*", "abc")).toBe(false);
    expect(globMatch("*", "")).toBe(true);
  });

  it("let * take a line break in a for_each key (the RegExp's `.` did not, leaving such a key unprotected)", () => {
    expect(globMatch("aws_s3_object.o*", 'aws_s3_object.o["a\nb"]')).toBe(true);
    expect(reference("aws_s3_object.o*", 'aws_s3_object.o["a\nb"]')).toBe(false);
  });

  it("give the old answers on thousands of random pairs without line breaks", () => {
    const rand = prng(3);
    const wrong: string[] = [];
    let yes = 0;
    for (let k = 0; k < 8000; k++) {
      const p = pick(rand, "aA.*?[\"*", 7);
      const t = pick(rand, "aA.?[\"*", 9);
      const want = reference(p, t);
      if (want) yes++;
      if (globMatch(p, t) !== want) wrong.push(`${JSON.stringify(p)} ${JSON.stringify(t)} want ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(yes).toBeGreaterThan(400);
  });
});

describe("an entry with keys on some module steps only (red-team round 101b)", () => {
  const address = 'module.a["x"].module.b["y"].aws_db_instance.d';
  test.each([
    ['module.a["x"].module.b.aws_db_instance.d', true],
    ['module.a.module.b["y"].aws_db_instance.d', true],
    ['module.a["x"].module.b["y"].aws_db_instance.d', true],
    ["module.a.module.b.aws_db_instance.d", true],
    ['module.a["x"].module.b', true],
    ['module.a["x"]', true],
    ['module.a["z"].module.b.aws_db_instance.d', false],
    ['module.a.module.b["z"].aws_db_instance.d', false],
    ['module.a["x"].module.b.aws_db_instance.e', false],
    ['module.a["x"].module.bb.aws_db_instance.d', false],
    ['module.a["x"].module.b.aws_db_instance.d[0]', false],
  ])("%s covers it: %s", (entry, covered) => {
    expect(addressMatch(entry, address)).toBe(covered);
  });

  test("keys of count and for_each, and a key holding dots and brackets", () => {
    expect(addressMatch("module.a[0].module.b.aws_route53_record.q", 'module.a[0].module.b[1].aws_route53_record.q')).toBe(true);
    expect(addressMatch('module.a["x.y[1]"].module.b.aws_route53_record.q', 'module.a["x.y[1]"].module.b["z"].aws_route53_record.q')).toBe(true);
    expect(addressMatch('module.a["x.y[1]"].module.b.aws_route53_record.q', 'module.a["x"].module.b["z"].aws_route53_record.q')).toBe(false);
    // Red-team round 104: a glob with keys on some steps returned early and protected nothing.
    const glob = 'module.a["x"].module.b.aws_route53_record.*';
    expect(addressMatch(glob, 'module.a["x"].module.b[0].aws_route53_record.r')).toBe(true);
    expect(addressMatch(glob, 'module.a["x"].module.b.aws_route53_record.r["k"]')).toBe(true);
    expect(addressMatch(glob, 'module.a["y"].module.b[0].aws_route53_record.r')).toBe(false);
    expect(addressMatch(glob, 'module.a["x"].module.c[0].aws_route53_record.r')).toBe(false);
  });

  test("the gate blocks the delete of an instance such an entry covers", () => {
    expect(configProtection("aws_route53_record", ['module.a["x"].module.b[0].aws_route53_record.q'], { protected: { addresses: ['module.a["x"].module.b.aws_route53_record.q'] } })?.source).toBe("config-address");
    expect(configProtection("aws_route53_record", ['module.a["w"].module.b[0].aws_route53_record.q'], { protected: { addresses: ['module.a["x"].module.b.aws_route53_record.q'] } })).toBeUndefined();
  });
});
