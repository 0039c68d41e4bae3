/**
 * Reads an AWS Backup `cron(...)` expression (the EventBridge syntax) and works out how far apart its runs can be.
 *
 * Fields: minutes (0-59), hours (0-23), day-of-month (1-31), month (1-12 or JAN-DEC), day-of-week (1-7 or
 * SUN-SAT, 1 = Sunday), year. `,` lists, `-` ranges, `*` every value and `/` steps are read in every field but
 * day-of-week; day-of-month also takes `?`, `L` (last day) and `nW` (the weekday nearest day n); day-of-week takes
 * `?`, `L` (Saturday), `nL` (the last weekday n of the month) and `n#k` (the k-th weekday n of the month). Exactly
 * one of day-of-month and day-of-week is `?`. Anything else is not read: the caller refuses what it cannot prove.
 */

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * The Gregorian calendar repeats every 28 years from 1901 to 2099 (no skipped leap year in between), so a schedule
 * whose year is `*` runs over 2001-2028 exactly as over every other 28 years of that span.
 */
const CYCLE_START = Date.UTC(2001, 0, 1);
const CYCLE_DAYS = (Date.UTC(2029, 0, 1) - CYCLE_START) / 86_400_000;

interface Day {
  readonly day: number;
  readonly month: number;
  /** 1 = Sunday ... 7 = Saturday, as in the cron field. */
  readonly weekday: number;
  readonly daysInMonth: number;
}

export interface CronTimes {
  /** Days of the 28-year cycle (0 = 2001-01-01) the schedule runs on. */
  readonly days: readonly number[];
  /** Minute of the day of the first and of the last run on such a day. */
  readonly firstMinute: number;
  readonly lastMinute: number;
  /** Every minute of the day it runs at on such a day, in order (hours times minutes). */
  readonly minutesOfDay: readonly number[];
}

/** What `readCron` could not read: the field, as written, and why. */
export class CronUnreadable extends Error {}

function value(text: string, min: number, max: number, names: readonly string[] | undefined, field: string): number {
  const named = names ? names.indexOf(text.toUpperCase()) : -1;
  const n = named >= 0 ? named + 1 : /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new CronUnreadable(`${field} "${text}" is not a value from ${min} to ${max}${names ? ` or ${names[0]}-${names[names.length - 1]}` : ""}`);
  return n;
}

/** `*`, `a`, `a-b`, each optionally `/step`, separated by commas. */
function list(text: string, min: number, max: number, field: string, names?: readonly string[], steps = true): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m || (m[2] !== undefined && !steps)) throw new CronUnreadable(`${field} "${text}" is not a list of values${steps ? ", ranges or steps" : " or ranges"}`);
    let lo = min;
    let hi = max;
    if (m[1] !== "*") {
      const [a, b] = m[1].split("-");
      lo = value(a, min, max, names, field);
      hi = b === undefined ? (m[2] === undefined ? lo : max) : value(b, min, max, names, field);
      if (hi < lo) throw new CronUnreadable(`${field} "${text}" has a range that runs backwards (write it as two ranges)`);
    }
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new CronUnreadable(`${field} "${text}" has a step of 0`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function dayOfMonth(text: string): (d: Day) => boolean {
  if (text === "L") return (d) => d.day === d.daysInMonth;
  const w = /^(\d{1,2})W$/.exec(text);
  if (w) {
    const n = value(w[1], 1, 31, undefined, "day-of-month");
    return (d) => {
      if (n > d.daysInMonth) return false;
      // The weekday of day n, from d's own weekday; Saturday moves to Friday, Sunday to Monday, never out of the month.
      const wd = ((d.weekday - 1 + n - d.day) % 7 + 7) % 7 + 1;
      let target = n;
      if (wd === 7) target = n > 1 ? n - 1 : n + 2;
      if (wd === 1) target = n < d.daysInMonth ? n + 1 : n - 2;
      return d.day === target;
    };
  }
  const days = list(text, 1, 31, "day-of-month");
  return (d) => days.has(d.day);
}

function dayOfWeek(text: string): (d: Day) => boolean {
  if (text === "L") return (d) => d.weekday === 7;
  const last = /^([A-Za-z0-9]+)L$/.exec(text);
  if (last) {
    const wd = value(last[1], 1, 7, WEEKDAYS, "day-of-week");
    return (d) => d.weekday === wd && d.day + 7 > d.daysInMonth;
  }
  const nth = /^([A-Za-z0-9]+)#(\d)$/.exec(text);
  if (nth) {
    const wd = value(nth[1], 1, 7, WEEKDAYS, "day-of-week");
    const k = value(nth[2], 1, 5, undefined, "day-of-week");
    return (d) => d.weekday === wd && Math.ceil(d.day / 7) === k;
  }
  const days = list(text, 1, 7, "day-of-week", WEEKDAYS, false);
  return (d) => days.has(d.weekday);
}

/**
 * The days of the 28-year cycle a six-field cron expression runs on, and its first and last minute on them.
 * The year field is not read (the caller requires `*`). Throws CronUnreadable for what it does not read.
 */
export function readCron(fields: readonly string[]): CronTimes {
  const [min, hour, dom, month, dow] = fields;
  const minutes = list(min, 0, 59, "minutes");
  const hours = list(hour, 0, 23, "hours");
  const months = list(month, 1, 12, "month", MONTHS);
  if ((dom === "?") === (dow === "?")) {
    throw new CronUnreadable(`of day-of-month "${dom}" and day-of-week "${dow}", exactly one must be ? (AWS Backup takes no other form)`);
  }
  const matches = dom === "?" ? dayOfWeek(dow) : dayOfMonth(dom);
  const days: number[] = [];
  for (let i = 0; i < CYCLE_DAYS; i++) {
    const date = new Date(CYCLE_START + i * 86_400_000);
    const month0 = date.getUTCMonth();
    const day: Day = {
      day: date.getUTCDate(),
      month: month0 + 1,
      weekday: date.getUTCDay() + 1,
      daysInMonth: new Date(Date.UTC(date.getUTCFullYear(), month0 + 1, 0)).getUTCDate(),
    };
    if (months.has(day.month) && matches(day)) days.push(i);
  }
  const minutesOfDay = [...hours].flatMap((h) => [...minutes].map((m) => h * 60 + m)).sort((a, b) => a - b);
  return { days, firstMinute: minutesOfDay[0], lastMinute: minutesOfDay[minutesOfDay.length - 1], minutesOfDay };
}

/** The longest time, in minutes, between two runs (over the cycle and into the next); undefined when it never runs. */
export function longestGapMinutes(t: CronTimes): number | undefined {
  if (t.days.length === 0) return undefined;
  const between = (from: number, to: number) => (to - from) * 1440 + t.firstMinute - t.lastMinute;
  let longest = between(t.days[t.days.length - 1], t.days[0] + CYCLE_DAYS);
  for (let i = 1; i < t.days.length; i++) longest = Math.max(longest, between(t.days[i - 1], t.days[i]));
  return longest;
}

/**
 * The shortest time, in minutes, between two runs: between runs of one day, and from the last run of a day to the
 * first of the next day it runs on (over the cycle and into the next); undefined when it never runs.
 */
export function shortestGapMinutes(t: CronTimes): number | undefined {
  if (t.days.length === 0) return undefined;
  let shortest = Infinity;
  for (let i = 1; i < t.minutesOfDay.length; i++) shortest = Math.min(shortest, t.minutesOfDay[i] - t.minutesOfDay[i - 1]);
  const between = (from: number, to: number) => (to - from) * 1440 + t.firstMinute - t.lastMinute;
  shortest = Math.min(shortest, between(t.days[t.days.length - 1], t.days[0] + CYCLE_DAYS));
  for (let i = 1; i < t.days.length; i++) shortest = Math.min(shortest, between(t.days[i - 1], t.days[i]));
  return shortest;
}

/** The years a cron year field (`2026`, `2024-2030`, `2025,2027`, `2024/2`) names, in order. Throws CronUnreadable. */
export function readYears(field: string): number[] {
  return [...list(field, 1970, 2199, "year")].sort((a, b) => a - b);
}
