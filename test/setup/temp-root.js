/**
 * Every test run gets one temporary root, removed when the run ends. Tests and the CLI processes they start make
 * their scratch directories with `os.tmpdir()`, which reads TMPDIR on each call; pointing it here keeps a run from
 * leaving thousands of directories behind in the machine's /tmp.
 */
const { mkdtempSync, rmSync } = require("fs");
const { tmpdir } = require("os");
const { join } = require("path");

const KEY = "BLASTWALL_TEST_TEMP_ROOT";

async function setup() {
  const root = mkdtempSync(join(tmpdir(), "blastwall-tests-"));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
}

async function teardown() {
  const root = process.env[KEY];
  if (root) rmSync(root, { recursive: true, force: true });
}

module.exports = { setup, teardown };
