/**
 * Placeholder reasons: an acknowledgement a security reviewer signs off must say who accepted what and why, so a
 * reason that only holds the place of one is refused wherever reasons are accepted; honest reasons in any language
 * still pass.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { placeholderReason } from "../../lib/engine/reason";
import { MIN_REASON, visibleLength } from "../../lib/engine/text";
import { parseConfig } from "../../lib/config/load-config";
import { InputError } from "../../lib/engine/terraform/types";
import { check, errors, safeAgentStack, tf, TRUST, policy } from "../helpers/tf";
import { runIn } from "../helpers/cli";

type Obj = Record<string, unknown>;

const PLACEHOLDERS = [
  "TODO: fill in",
  "xxxxxxxxxxxx",
  "reason here",
  "tbd tbd tbd",
  "tbd tbd tbd tbd",
  "..........",
  "fix later please",
  "lorem ipsum dolor",
  // and their neighbours
  "FIXME: write the reason",
  "TODO : ask the security team (SEC-1)",
  "Lorem ipsum, the janitor deletes volumes",
  "<reason>  <reason>",
  "1234567890",
  "x x x x x x x x x x",
  "aaaaaaaaaa bbbbbbbbbb",
  "TBD - will fix it later",
  "Reason: TBD, ok?",
  // red-team round 169b: compatibility forms and look-alikes, keyboard runs, pointers with nothing to follow
  "Ｔｏｄｏ Ｔｏｄｏ Ｔｏｄｏ",
  "ТОDO: fill in later",
  "asdfasdfasdf",
  "qwertyuiop",
  "asdf qwerty zxcv",
  "lgtm lgtm lgtm",
  "LGTM, see ticket",
  "see ticket please",
  "as discussed w/ team",
  "тест тест тест",
  "测试 测试 测试 测试 测试",
  "testtest testtest",
  "loremipsum dolor",
  // red-team round 170b, F4: stand-ins and shrugs that read as words
  "placeholder text goes here",
  "whatever lol, idk",
  "foo bar baz qux",
  "changeme changeme",
  "Lorem ipsvm",
  // red-team round 171b, F3: a ticket number, date or acronym beside filler, keyboard runs or repeated fragments only
  "#00 todo todo",
  "#00 TODO todo",
  "TODO #123 todo",
  "2024-01-01 tbd",
  "ok 2024-01-01",
  "1/1/00 ok ok",
  "QWER asdf asdf",
  "ZXC asdf qwerty",
  "ABCD xyzxyz",
  "DEF asdfasdf",
  "XYZ tbd tbd tbd",
  "approved in ticket 0000",
];

const HONEST = {
  english: "volume janitor; accepted by the platform team",
  short: "scratch volumes only, SEC-142",
  german: "Nur Testdaten, vom Sicherheitsteam geprüft",
  german_with_in: "Läuft nur in der Sandbox",
  spanish: "Solo borra volúmenes temporales; aprobado por seguridad",
  spanish_with_todo: "todo el tráfico pasa por el proxy",
  japanese: "検証用のデータのみ。本番データはない",
  japanese_short: "テスト環境のみで使用",
  chinese: "仅用于测试环境，数据可丢弃",
  todo_lowercase_in_english: "todo list service only; reviewed by Ana",
  // red-team round 169b: version numbers and A/B say something; words of other scripts are not read as English filler
  version: "Fixed in v2.3.1",
  version_short: "Known; fixed in 1.2",
  version_v: "Fixed in v2, see ticket",
  a_b_test: "OK: A/B test, to be done",
  drift: "CI needs it for drift",
  owner: "legacy ETL; owner: ops",
  russian: "Только тестовые данные, одобрено командой безопасности",
  russian_test_word: "тест окружение без данных клиентов",
  greek: "Μόνο δεδομένα δοκιμών, εγκρίθηκε",
  ticket_key: "see ticket OPS-1234",
  // red-team round 170b, F4: a ticket number, a date, an acronym beside a word; a risk known and accepted
  ticket_number: "ticket #4411 approved",
  ticket_number_in: "approved in ticket #4411",
  dated: "approved 2024-11-03 (ticket #4411)",
  dated_slashes: "accepted 3/11/2024",
  acronym: "ERT approved",
  acronym_per: "as per ASD, accepted",
  known_accepted: "Known, accepted",
  // red-team round 171b, F4: a ticket number after the word naming it, without "#"
  ticket_word: "approved in ticket 4411",
  ticket_word_see: "see ticket 4411, ok",
  issue_word: "issue 4411 accepted",
  cr_word: "approved, CR 4411",
  pr_word: "approved in PR 12",
  ticket_zero_inside: "approved in ticket #4400",
};

const ack = (reason: string) => ({ ruleId: "agent-destroy-right", principal: "aws_iam_role.agent", reason });

/** The one-line problem parseConfig gives, or undefined when it accepts. */
function configProblem(reason: string): string | undefined {
  try {
    parseConfig({ acknowledgements: [ack(reason)] }, "blastwall.json");
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problem;
  }
}

describe("placeholderReason", () => {
  test.each(PLACEHOLDERS)("%j is a placeholder", (r) => {
    expect(placeholderReason(r)).toBeDefined();
  });

  test.each(Object.entries(HONEST))("an honest reason (%s) is not", (_name, r) => {
    expect(placeholderReason(r)).toBeUndefined();
  });

  test("says which pattern it met", () => {
    expect(placeholderReason("TODO: fill in")).toBe('it holds the marker "TODO:" of unfinished text');
    expect(placeholderReason("lorem ipsum dolor")).toBe("it holds lorem ipsum filler");
    expect(placeholderReason("xxxxxxxxxxxx")).toMatch(/^it has no word that says anything/);
    // Cyrillic Т and О read as T and O: the marker is named as it reads.
    expect(placeholderReason("ТОDO: fill in later")).toBe('it holds the marker "TODO:" of unfinished text');
  });

  test("a version number alone, or beside only single letters, says nothing", () => {
    expect(placeholderReason("1.2.3.4.5.6.7")).toBeDefined();
    expect(placeholderReason("v 1.2.3 x y z")).toBeDefined();
  });

  test("170b F4: a ticket number, a date or an acronym alone, a one-digit ticket, a filler word in capitals say nothing", () => {
    for (const r of ["#4411", "2024-11-03", "ERT", "ERT ERT", "see ticket #1", "LGTM approved", "TODO approved", "ZZ approved", "ok 2024-11"]) expect([r, placeholderReason(r)]).toEqual([r, expect.any(String)]);
  });

  test("171b F3: #00 is no ticket, and an alphabet or four-key run is no acronym, beside a sign-off word too", () => {
    for (const r of ["approved #00", "approved ticket 00", "QWER approved", "ABC approved", "ZXCV approved"]) expect([r, placeholderReason(r)]).toEqual([r, expect.any(String)]);
    for (const r of ["CISO approved", "ERT approved", "per ASD approved"]) expect([r, placeholderReason(r)]).toEqual([r, undefined]);
  });

  test("a lower-case todo with a colon in prose is no marker, written in Cyrillic look-alikes or not", () => {
    expect(placeholderReason("todo: the list service; reviewed by Ana")).toBeUndefined();
    expect(placeholderReason("tоdо: the list service; reviewed by Ana")).toBeUndefined();
  });
});

describe("blastwall.json refuses a placeholder reason on one line naming the key, and says what a reason should say", () => {
  // Shorter ones ("tbd tbd tbd" has 9 letters) already fail the length check.
  test.each(PLACEHOLDERS.filter((r) => visibleLength(r) >= MIN_REASON))("%j", (r) => {
    const p = configProblem(r);
    expect(p).toBeDefined();
    expect(p).not.toContain("\n");
    expect(p).toMatch(/^acknowledgements\[0\]\.reason: ".*" is a placeholder, not a reason \(.*\): a reviewer signs the acknowledgement off by it; write who accepted what and why, e.g. /);
  });

  test.each(Object.entries(HONEST))("an honest reason (%s) is accepted", (_name, r) => {
    expect(configProblem(r)).toBeUndefined();
  });

  test("the second entry is named by its index", () => {
    expect(() => parseConfig({ acknowledgements: [ack(HONEST.german), ack("reason here")] }, "blastwall.json")).toThrow(/^blastwall\.json: acknowledgements\[1\]\.reason: "reason here" is a placeholder/);
  });

  test("check exits 2 naming the file and the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "blastwall-reason-"));
    const stack = tf({
      "aws_iam_role.agent": { name: "agent", assume_role_policy: TRUST, tags: { "blastwall:agent": "true" } },
      "aws_iam_role_policy.p": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
    });
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(stack));
    writeFileSync(join(dir, "blastwall.json"), JSON.stringify({ acknowledgements: [{ ...ack("fix later please"), principal: "aws_iam_role.agent" }] }));
    const r = await runIn(["check", "main.tf.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/blastwall\.json: acknowledgements\[0\]\.reason: "fix later please" is a placeholder, not a reason/);
  });
});

describe("an in-code acknowledgement written into the JSON by hand with a placeholder reason acknowledges nothing", () => {
  const acked = (reason: string) => {
    const json = safeAgentStack([{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }], ["iam:*"]);
    const role = ((json.resource as Obj).aws_iam_role as Obj).agent as Obj;
    role["//"] = { blastwall: { acknowledgements: [{ ruleId: "agent-destroy-right", reason }] } };
    return check(json, { acknowledgementsInCode: true });
  };

  test("a placeholder: the finding stays, and a note says why", () => {
    const r = acked("tbd tbd tbd tbd");
    expect(errors(r, "agent-destroy-right")).toHaveLength(1);
    expect((r.notes ?? []).join("\n")).toMatch(/has the reason "tbd tbd tbd tbd", a placeholder \(it has no word that says anything.*\) rather than who accepted what and why, so it is no acknowledgement/);
  });

  test.each([HONEST.japanese, HONEST.spanish_with_todo])("control: %j acknowledges", (reason) => {
    expect(errors(acked(reason), "agent-destroy-right")).toHaveLength(0);
  });
});

describe("a tracker's issue key counts as a ticket beside a sign-off word, as docs/UPGRADING.md says (red-team round 171a, F3)", () => {
  test.each(["approved per IT-4411", "accepted, ticket DO-1234", "approved in OPS-1234"])("%j is accepted", (r) => {
    expect(placeholderReason(r)).toBeUndefined();
  });
  test.each(["tbd tbd IT-0", "ok-12 todo todo", "tbd tbd it-4411"])("control: %j is still a placeholder (zeros only, lower case)", (r) => {
    expect(placeholderReason(r)).toMatch(/no word that says anything/);
  });
});
