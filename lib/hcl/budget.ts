/**
 * The evaluation work one reading of a configuration may do. A few lines of HCL can ask for a billion values
 * (three `for` expressions nested over `range(1000)`) or a string of gigabytes (locals that double a string): evaluated
 * to the end, they held the gate for minutes and gigabytes, or crashed it (red-team round 176, F1 and F3). Whoever can
 * edit the configuration could so make the gate unusable in CI. Every place that makes values or builds a string
 * charges what it makes here; past a limit it gives up and the value is unknown (`TOO_LARGE`), which every reader
 * counts as any value (fail closed), and the reading records where it stopped, for a note.
 *
 * The limits are far above what real configurations use (see `EVAL_LIMITS`), so any configuration that reaches one is
 * either a mistake or an attempt to stall the gate.
 */

export interface EvalLimits {
  /** Values (elements of collections, `for` iterations, instances) made in one reading, all modules together. */
  readonly values: number;
  /** Characters of strings built (templates, `join`, `format`, `replace`, decoded text) in one reading. */
  readonly chars: number;
  /** Elements of one collection. */
  readonly collection: number;
  /** Characters of one string. */
  readonly string: number;
}

/**
 * Measured (0.8.0): the bench's 10,000-resource tree makes about 13,000 values and builds 350,000 characters in its
 * readings together; the test suite's folders at most 7,100 values and 40,000 characters. The limits allow some
 * eighty times the bench, and a reading that spends them ends in a few seconds (a million `for` iterations take
 * about two). Values and characters were raised fourfold after red-team round 177 (F1): 200 instances of a module that
 * each decode one shared 184 KB settings file (about 17,000 values and 184 KB each time) spent a budget of a million.
 */
export const EVAL_LIMITS: EvalLimits = {
  values: 4_000_000,
  chars: 128 * 1024 * 1024,
  collection: 100_000,
  string: 4 * 1024 * 1024,
};

/** Where the reading was when it stopped: the block (file relative to the root folder, line) and what it evaluated. */
export interface EvalSite {
  readonly file: string;
  readonly line: number;
  /** `local.big`, `aws_iam_role.agent`, `output.x` (with the module instance's address). */
  readonly what: string;
}

export interface EvalStop extends EvalSite {
  /** Which limit it passed, in words. */
  readonly why: string;
  /** The limit passed is the configuration's, not one value's. */
  readonly spent: boolean;
}

const n = (x: number) => x.toLocaleString("en-US");

export class EvalBudget {
  private valuesLeft: number;
  private charsLeft: number;
  private readonly sites: EvalSite[] = [];
  private readonly seen = new Set<string>();
  /** Where evaluation stopped, each place once, in the order met. */
  readonly stops: EvalStop[] = [];

  constructor(readonly limits: EvalLimits = EVAL_LIMITS) {
    this.valuesLeft = limits.values;
    this.charsLeft = limits.chars;
  }

  /** True once the reading has spent its values or characters: everything that charges from then on stops. */
  get spent(): boolean {
    return this.valuesLeft < 0 || this.charsLeft < 0;
  }

  /** Charges `count` values made; `size` is the size the collection being made has reached. False: stop, unknown. */
  values(count: number, size = count): boolean {
    if (size > this.limits.collection) return this.stop(`it makes a collection of more than ${n(this.limits.collection)} elements`);
    const wasSpent = this.spent;
    this.valuesLeft -= count;
    if (this.valuesLeft >= 0) return true;
    // Only where the budget ran out is named: what is refused after it is refused for the same reason.
    return wasSpent ? false : this.stop(`the configuration's evaluations together make more than ${n(this.limits.values)} values`);
  }

  /** Charges a string of `length` characters built. False: stop, unknown. */
  chars(length: number): boolean {
    if (length > this.limits.string) return this.stop(`it builds a string of more than ${n(this.limits.string)} characters`);
    const wasSpent = this.spent;
    this.charsLeft -= length;
    if (this.charsLeft >= 0) return true;
    return wasSpent ? false : this.stop(`the configuration's evaluations together build more than ${n(this.limits.chars)} characters of strings`);
  }

  /** Runs `f` with `site` as the place a stop is reported at (the innermost one wins). */
  within<T>(site: EvalSite, f: () => T): T {
    this.sites.push(site);
    try {
      return f();
    } finally {
      this.sites.pop();
    }
  }

  private stop(why: string): false {
    const site = this.sites[this.sites.length - 1] ?? { file: "", line: 0, what: "a value" };
    const key = `${site.file}:${site.line}:${site.what}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.stops.push({ ...site, why, spent: this.spent });
    }
    return false;
  }
}

/** At most this many places are named in notes; the rest are counted. */
const MAX_NOTES = 10;

/**
 * One note per place evaluation stopped: where, why, what it means for the verdict and how to fix it. `display` turns
 * a file relative to the root folder into the name shown (the folder as the user named it, joined).
 */
export function budgetNotes(stops: readonly EvalStop[], display: (file: string) => string): string[] {
  const notes = stops.slice(0, MAX_NOTES).map((s) => {
    const where = s.file === "" ? "" : `${display(s.file)}:${s.line}: `;
    return (
      `${where}blastwall stopped evaluating ${s.what} because it exceeded blastwall's evaluation budget (${s.why}); ` +
      "it is read as unknown (too_large_to_evaluate()), and whatever uses it fails closed as anything unreadable does " +
      "(a policy built from it counts as granting every action). Simplify the expression (fewer or smaller nested " +
      "`for` expressions, no strings that double, a large file decoded once in the root module and passed to module instances " +
      "rather than decoded by each), or compute the value outside Terraform and pass it with --var-file"
    );
  });
  if (stops.some((s) => s.spent)) {
    notes.push(
      "once the evaluation budget of a configuration is spent, blastwall evaluates nothing more that makes values or " +
        "builds strings (a `for` expression, most functions): other values of it may be unknown for that reason alone",
    );
  }
  if (stops.length > MAX_NOTES) notes.push(`blastwall stopped evaluating ${stops.length - MAX_NOTES} more value(s) for the same reason; fix the ones named above first`);
  return notes;
}
