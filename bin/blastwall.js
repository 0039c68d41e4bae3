#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI lives in the compiled library and loads no cdktf or provider code.
let cli;
try {
  cli = require("../dist/lib/cli/main.js");
} catch (e) {
  process.stderr.write(`blastwall: cannot load the compiled CLI (${e && e.code ? e.code : "error"}); run "npm run build" in the blastwall package\n`);
  process.exit(2);
}
// A report that cannot be written (a full disk, a reader that went away) is no verdict: one line, exit 2, not a
// stack trace. A failed write to stderr leaves nothing to tell; the exit code still says what happened.
process.stdout.on("error", (e) => {
  try {
    process.stderr.write(`blastwall: cannot write the report to standard output (${e && e.code ? e.code : "error"}); it is incomplete\n`);
  } catch {
    // stderr is gone too
  }
  process.exit(2);
});
process.stderr.on("error", () => {});
cli.runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
