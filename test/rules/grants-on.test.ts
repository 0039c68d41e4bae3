/**
 * grants-on.ts answers "which of these grants may be on this pattern" from an index filed by the name a pattern ends
 * in. It must give exactly what filtering the whole list gives, in the same order: these ask both of patterns whose
 * names differ only in case, one name a suffix of another, wildcards before and in the name, no `/`, text outside
 * ASCII, and a grant with several patterns.
 */
import type { Grant } from "../../lib/engine/analysis-types";
import type { Statement } from "../../lib/engine/iam/types";
import { globsIntersect } from "../../lib/engine/iam/glob";
import { endName, grantsOn } from "../../lib/rules/grants-on";

const STATEMENT = { effect: "Allow", conditions: [] } as unknown as Statement;
const grant = (...resources: string[]): Grant => ({ action: "events:PutEvents", statement: STATEMENT, resources, conditional: false });

const PATTERNS = [
  "arn:*:events:*:*:event-bus/b5",
  "arn:*:events:*:*:event-bus/b50",
  "arn:*:events:*:*:event-bus/B5",
  "arn:aws:events:eu-central-1:111111111111:event-bus/b5",
  "arn:aws:events:eu-central-1:111111111111:event-bus/b*",
  "arn:aws:events:eu-central-1:111111111111:event-bus/?5",
  "arn:*:events:*:*:event-bus/default",
  "arn:aws:events:*:*:*",
  "*",
  "arn:*:events:*:*:rule/b5",
  "arn:*:events:*:*:event-bus/x/b5",
  "arn:*:events:*:*:event-bus/b5/",
  "arn:*:events:*:*:event-bus/bü",
  "arn:*:events:*:*:event-bus/BÜ",
  "arn:*:sqs:*:*:b5",
];

const plain = (gs: readonly Grant[], p: string) => gs.filter((g) => g.resources.some((r) => globsIntersect(r, p, { caseInsensitive: true })));

describe("grants-on", () => {
  const gs = [...PATTERNS.map((p) => grant(p)), grant("arn:*:events:*:*:event-bus/b50", "arn:*:events:*:*:event-bus/default"), grant("arn:*:sqs:*:*:q1", "arn:*:events:*:*:event-bus/b5*")];

  test.each(PATTERNS)("the index answers what the whole list gives for %s", (p) => {
    expect(grantsOn(gs, p)).toEqual(plain(gs, p));
  });

  test("the answers are not empty nor everything: the index is asked", () => {
    expect(grantsOn(gs, "arn:*:events:*:*:event-bus/b5").length).toBeGreaterThan(2);
    expect(grantsOn(gs, "arn:*:events:*:*:event-bus/b5").length).toBeLessThan(gs.length);
  });

  test("the name a pattern ends in: only after a last `/` with no wildcard after it, ASCII", () => {
    expect(endName("arn:*:events:*:*:event-bus/B5")).toBe("b5");
    expect(endName("arn:*:events:*:*:event-bus/b*")).toBeUndefined();
    expect(endName("arn:*:sqs:*:*:q1")).toBeUndefined();
    expect(endName("arn:*:events:*:*:event-bus/bü")).toBeUndefined();
    expect(endName("arn:*:events:*:*:event-bus/")).toBe("");
  });
});
