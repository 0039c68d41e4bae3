/**
 * BlastwallChecks props the gate did not read (red-team round 98): a misspelt key (`configfile`, `configPath`,
 * `Strict`) passed from JavaScript or an `as any` object, `config` beside `configFile`, and a config in code while the
 * blastwall.json that `blastwall check` reads in the same folder says something else. Each synth passed as if the
 * config the user named applied.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App, Aspects, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { BlastwallChecks, type BlastwallChecksProps } from "../../lib/cdktf";
import { nearestKey } from "../../lib/engine/text";
import { agentRules } from "../../lib/rules";

const loose = (p: unknown) => p as BlastwallChecksProps;
const AGENTS = { agents: { names: ["ai-*"] } };

/** An app whose role `ai-coder` is an agent only by the name selector, with a right to delete volumes. */
function app(dir: string): App {
  const a = new App({ outdir: join(dir, "cdktf.out") });
  const stack = new TerraformStack(a, "prod");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const role = new IamRole(stack, "coder", { name: "ai-coder", assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
  new IamRolePolicy(stack, "p", { role: role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }] }) });
  return a;
}

describe("BlastwallChecks props it does not read", () => {
  test.each([
    ["configfile", "configFile"],
    ["configPath", "configFile"],
    ["Strict", "strict"],
    ["strictMode", "strict"],
    ["rule", "rules"],
  ])("%s is refused, naming the prop it is nearest to (%s)", (key, near) => {
    expect(() => new BlastwallChecks(loose({ [key]: key.startsWith("config") ? "agents.json" : true }))).toThrow(
      `BlastwallChecks: ${key} is not a BlastwallChecks prop (did you mean ${near}?): it reads only config, configFile, strict, rules, ` +
        "and a prop it does not read changes nothing, so synth would pass without what it asks for",
    );
  });

  test("a prop near none is refused without a guess", () => {
    expect(() => new BlastwallChecks(loose({ agents: ["ai-*"] }))).toThrow(/^BlastwallChecks: agents is not a BlastwallChecks prop: it reads only /);
  });

  test("config and configFile together are refused, saying which to keep", () => {
    expect(() => new BlastwallChecks(loose({ config: {}, configFile: "agents.json" }))).toThrow(
      "BlastwallChecks: config and configFile are both given, and only one can be the gate's config. Keep configFile to read that file " +
        "(the one `blastwall check --config` reads in CI), or config alone for settings given in code",
    );
  });

  test.each([
    [{ configFile: 7 }, "BlastwallChecks: configFile must be the path of a blastwall config file (got 7)"],
    [{ configFile: "" }, 'BlastwallChecks: configFile must be the path of a blastwall config file (got "")'],
    [{ strict: "true" }, 'BlastwallChecks: strict must be true or false (got "true")'],
    [{ rules: {} }, "BlastwallChecks: rules must be a list of rules, such as allRules from blastwall"],
    // Red-team round 141, F5: an empty list ran no rule and passed every stack; a rule id failed deep in the analysis.
    [{ rules: [] }, "BlastwallChecks: rules is empty: no rule would run and synth would pass every stack unjudged"],
    [{ rules: ["agent-destroy-right"] }, 'BlastwallChecks: rules[0] is not a blastwall rule (an object with meta.id and check(), as in allRules; got "agent-destroy-right"). A rule id is not a rule'],
    [{ rules: [...agentRules, { meta: { id: "x" } }] }, `BlastwallChecks: rules[${agentRules.length}] is not a blastwall rule`],
    [{ rules: [null] }, "BlastwallChecks: rules[0] is not a blastwall rule (an object with meta.id and check(), as in allRules; got null)"],
    [null, "BlastwallChecks: props must be an object such as { configFile: \"blastwall.json\" } (got null)"],
  ])("%j is refused, naming the prop", (props, message) => {
    expect(() => new BlastwallChecks(loose(props))).toThrow(message);
  });

  test("the props it reads, and one left undefined by a spread of options, are accepted", () => {
    expect(() => new BlastwallChecks({ config: AGENTS, strict: true, rules: agentRules })).not.toThrow();
    expect(() => new BlastwallChecks(loose({ configFile: "agents.json", config: undefined, Strict: undefined }))).not.toThrow();
    expect(() => new BlastwallChecks()).not.toThrow();
  });

  test("nearestKey: a slip of case or letters, else the longest shared start of four letters or more", () => {
    expect(nearestKey("Strict", ["config", "strict"])).toBe("strict");
    expect(nearestKey("expiry", ["expires", "actions"])).toBe("expires");
    expect(nearestKey("configPath", ["config", "configFile"])).toBe("configFile");
    expect(nearestKey("cfg", ["config", "configFile"])).toBeUndefined();
  });
});

describe("a config given in code while blastwall.json in the working directory says something else", () => {
  const home = process.cwd();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "blastwall-props-"));
    process.chdir(dir);
  });
  afterEach(() => process.chdir(home));

  const annotations = (a: App) =>
    (JSON.parse(readFileSync(join(a.outdir, "manifest.json"), "utf8")).stacks.prod.annotations as { level: string; message: string }[]).map((x) => x.message);
  const WARNING = (file: string) =>
    `blastwall: this synth gate judges the stacks by the config given in code (BlastwallChecks config), but ${file} says something else, and ` +
    "`blastwall check` run in this folder (as CI runs it) reads that file when given no --config: the two may pass or fail different findings. " +
    "Keep one config: move the settings into blastwall.json and drop config (the gate then reads the file), or remove blastwall.json if nothing uses it.";

  test("synth warns, naming the file and what to do (the stack passes by the code config, fails by the file)", () => {
    writeFileSync("blastwall.json", JSON.stringify(AGENTS));
    const a = app(dir);
    Aspects.of(a).add(new BlastwallChecks({ config: { severity: { "agent-stored-secret": "error" } } }));
    a.synth();
    expect(annotations(a)).toContain(WARNING(join(process.cwd(), "blastwall.json")));
  });

  test("a synth that fails says it too: a failed synth shows no warnings", () => {
    writeFileSync("blastwall.json", JSON.stringify({ severity: { "agent-stored-secret": "error" } }));
    const a = app(dir);
    Aspects.of(a).add(new BlastwallChecks({ config: AGENTS }));
    expect(() => a.synth()).toThrow(WARNING(join(process.cwd(), "blastwall.json")));
  });

  test("configFile naming another file: the fix is --config", () => {
    writeFileSync("blastwall.json", JSON.stringify({}));
    writeFileSync("agents.json", JSON.stringify(AGENTS));
    const a = app(dir);
    Aspects.of(a).add(new BlastwallChecks({ configFile: "agents.json" }));
    expect(() => a.synth()).toThrow(/by configFile "agents\.json", but .*blastwall\.json says something else.*run blastwall check with --config agents\.json/);
  });

  test.each([
    ["the same settings in both", () => writeFileSync("blastwall.json", JSON.stringify({ severity: { "agent-stored-secret": "error" } })), { config: { severity: { "agent-stored-secret": "error" } } }],
    ["no blastwall.json", () => undefined, { config: { severity: { "agent-stored-secret": "error" } } }],
    ["the gate reads blastwall.json itself", () => writeFileSync("blastwall.json", JSON.stringify({ severity: { "agent-stored-secret": "error" } })), {}],
  ])("no warning with %s", (_name, setup, props) => {
    setup();
    const a = app(dir);
    Aspects.of(a).add(new BlastwallChecks(loose(props)));
    a.synth();
    expect(annotations(a).filter((m) => m.includes("says something else"))).toEqual([]);
  });
});
