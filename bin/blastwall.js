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
cli.runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
