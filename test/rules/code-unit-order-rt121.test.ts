/**
 * The rules order names by code unit, never by the machine's locale (red-team round 121: under LC_ALL=da_DK "aa" sorts
 * after "z", so the same stack gave different reports on a laptop and in CI).
 */
import { byCodeUnit } from "../../lib/rules/support";

test("code-unit order: upper case before lower, 'aa' before 'z', whatever the locale", () => {
  expect(["z", "aa", "b", "B", "a"].sort(byCodeUnit)).toEqual(["B", "a", "aa", "b", "z"]);
  expect(byCodeUnit("s3:x", "s3:x")).toBe(0);
});
