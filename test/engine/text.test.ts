import { MIN_REASON, visibleLength } from "../../lib/engine/text";
import { parseConfig } from "../../lib/config/load-config";
import { check, errors, safeAgentStack } from "../helpers/tf";

type Obj = Record<string, unknown>;

// Characters that put nothing on the screen, each of which an older count took for a letter or a sign.
const BLANKS: Record<string, string> = {
  "braille blank U+2800": "\u2800",
  "hangul filler U+3164": "\u3164",
  "hangul choseong filler U+115F": "\u115f",
  "hangul jungseong filler U+1160": "\u1160",
  "halfwidth hangul filler U+FFA0": "\uffa0",
  "soft hyphen U+00AD": "\u00ad",
  "combining grapheme joiner U+034F": "\u034f",
  "mongolian vowel separator U+180E": "\u180e",
  "variation selector-16 U+FE0F": "\ufe0f",
  "NUL": "\u0000",
  "ESC": "\u001b",
  "tag character U+E0041": "\u{e0041}",
  "ideographic space U+3000": "\u3000",
  "line separator U+2028": "\u2028",
};

describe("visibleLength", () => {
  test.each(Object.entries(BLANKS))("%s does not count", (_name, c) => {
    expect(visibleLength(c.repeat(MIN_REASON * 2))).toBe(0);
  });

  test("letters, numbers, punctuation and symbols count once per character", () => {
    expect(visibleLength("reviewed by SRE, ticket #42 ✓")).toBe(24);
    expect(visibleLength("東京のチーム")).toBe(6);
    expect(visibleLength("😀😀")).toBe(2);
  });

  test("a mark counts only with the letter it sits on", () => {
    expect(visibleLength("e\u0301e\u0301")).toBe(2);
    expect(visibleLength("\u0301".repeat(20))).toBe(0);
  });

  test("blanks mixed into a short reason do not lift it over the minimum", () => {
    expect(visibleLength(`ok${"\u2800\u3164\u00ad\ufe0f".repeat(5)}`)).toBeLessThan(MIN_REASON);
  });
});

describe("acknowledgements whose reason shows nothing", () => {
  const ack = (reason: string) => ({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason });

  test.each(Object.entries(BLANKS))("blastwall.json refuses a reason of %s", (_name, c) => {
    expect(() => parseConfig({ acknowledgements: [ack(c.repeat(MIN_REASON))] }, "blastwall.json")).toThrow(/reason/);
  });

  test.each(Object.entries(BLANKS))("in code, a reason of %s acknowledges nothing", (_name, c) => {
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: c.repeat(MIN_REASON) }] } };
    expect(errors(check(json, { acknowledgementsInCode: true }), "agent-destroy-right")).toHaveLength(1);
  });

  test("a reason a reader can see still acknowledges", () => {
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason: "volume janitor, reviewed" }] } };
    expect(errors(check(json, { acknowledgementsInCode: true }), "agent-destroy-right")).toHaveLength(0);
    expect(() => parseConfig({ acknowledgements: [ack("volume janitor, reviewed")] }, "blastwall.json")).not.toThrow();
  });
});
