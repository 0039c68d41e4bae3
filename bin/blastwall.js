#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI lives in the compiled library and loads no cdktf or provider code.
const { runCli } = require("../dist/lib/cli/main.js");
runCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });
