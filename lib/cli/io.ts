/** What a CLI command may touch, so tests can run commands in-process and capture output. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
}

/** A subcommand: parses its own arguments, returns the exit code (0 pass, 1 findings, 2 bad input/usage). */
export type Command = (args: readonly string[], io: CliIO) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;
