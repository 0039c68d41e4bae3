/** Tests run through @swc/jest (no type check); `npm test` runs `tsc` first for that. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  // Examples import "blastwall" as a user would; in tests that is the source, not the build.
  moduleNameMapper: { "^blastwall$": "<rootDir>/lib/index.ts" },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // One temporary root per run, removed at the end (test/setup/temp-root.js).
  globalSetup: "<rootDir>/test/setup/global-setup.js",
  globalTeardown: "<rootDir>/test/setup/global-teardown.js",
};
