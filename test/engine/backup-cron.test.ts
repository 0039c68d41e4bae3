import { CronUnreadable, longestGapMinutes, readCron, shortestGapMinutes } from "../../lib/engine/backup-cron";

const gapHours = (expr: string) => {
  const g = longestGapMinutes(readCron(expr.split(" ")));
  return g === undefined ? undefined : g / 60;
};
/** The dates (2001-...) the expression runs on in the first days of the cycle. */
const firstDates = (expr: string, n: number) =>
  readCron(expr.split(" ")).days.slice(0, n).map((d) => new Date(Date.UTC(2001, 0, 1 + d)).toISOString().slice(0, 10));

describe("AWS Backup cron evaluation", () => {
  it("measures the longest time between runs, across months, years and the wrap of the cycle", () => {
    expect(gapHours("0 3 * * ? *")).toBe(24);
    expect(gapHours("0 */6 ? * MON-FRI *")).toBe(54); // Friday 18:00 to Monday 00:00
    expect(gapHours("0 3 ? * MON-FRI *")).toBe(72);
    expect(gapHours("0 3 1 1 ? *")).toBe(366 * 24);
    expect(gapHours("0 3 29 2 ? *")).toBe(4 * 365 * 24 + 24);
    expect(gapHours("0 3 30 2 ? *")).toBeUndefined();
    expect(gapHours("0 3 ? * 1#5 *")).toBeGreaterThan(31 * 24); // a fifth Sunday is not in every month
  });

  it("measures the shortest time between runs, within a day and across midnight (red-team round 60 F8)", () => {
    const shortest = (expr: string) => shortestGapMinutes(readCron(expr.split(" ")));
    expect(shortest("0 3 * * ? *")).toBe(1440);
    expect(shortest("0 3 ? * MON-FRI *")).toBe(1440);
    expect(shortest("0 * * * ? *")).toBe(60);
    expect(shortest("0/10 * * * ? *")).toBe(10);
    expect(shortest("* * * * ? *")).toBe(1);
    expect(shortest("0,45 3,9 * * ? *")).toBe(45);
    expect(shortest("0 */6 ? * MON-FRI *")).toBe(360);
    expect(shortest("30 0,23 * * ? *")).toBe(60); // 23:30 to 00:30 the next day
    expect(shortest("30 0,22 * * ? *")).toBe(120); // 22:30 to 00:30 the next day, not 22 hours
    expect(shortest("0 3 30 2 ? *")).toBeUndefined();
  });

  it("reads L, W and # as AWS Backup does (1 = Sunday)", () => {
    expect(firstDates("0 3 L * ? *", 2)).toEqual(["2001-01-31", "2001-02-28"]);
    // 2001-09-01 is a Saturday (nearest weekday in the month: Monday 3rd), 2001-09-30 a Sunday (Friday 28th).
    expect(firstDates("0 3 1W 9 ? *", 1)).toEqual(["2001-09-03"]);
    expect(firstDates("0 3 30W 9 ? *", 1)).toEqual(["2001-09-28"]);
    expect(firstDates("0 3 ? * 2#1 *", 2)).toEqual(["2001-01-01", "2001-02-05"]);
    expect(firstDates("0 3 ? * 6L *", 2)).toEqual(["2001-01-26", "2001-02-23"]);
    expect(firstDates("0 3 ? * SUN *", 1)).toEqual(["2001-01-07"]);
    expect(firstDates("0 3 ? * L *", 1)).toEqual(["2001-01-06"]);
  });

  it("refuses what it does not read instead of guessing", () => {
    for (const expr of ["0 3 * * MON *", "0 3 ? * ? *", "0 3 ? * */2 *", "0 3 LW * ? *", "0 3 1,L * ? *", "0 24 * * ? *", "0 3 ? * 2#6 *", "0 3 * 13 ? *"]) {
      expect(() => readCron(expr.split(" "))).toThrow(CronUnreadable);
    }
  });
});
