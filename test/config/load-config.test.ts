import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { configAcknowledgements, keyPath, loadConfig, parseConfig } from "../../lib/config/load-config";
import { InputError } from "../../lib/engine/terraform/types";
import type { BlastwallConfig } from "../../lib/generated/blastwall-config";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "blastwall-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};

/** The InputError a config produces, as `file: problem`. */
function problem(content: unknown): string {
  const file = write("c.json", content);
  try {
    loadConfig(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.file).toBe(file);
    expect(e.problem).not.toContain("\n");
    return e.problem;
  }
  throw new Error("expected an InputError");
}

const full: BlastwallConfig = {
  $schema: "./node_modules/blastwall/policies/blastwall-config.schema.json",
  agents: { addresses: ["aws_iam_role.agent"], names: ["ai-*", "agent-?"], tags: { "blastwall:agent": "true" } },
  severity: { "agent-destroy-right": "error", "agent-stored-secret": "warning", "unanalysable-policy": "off" },
  acknowledgements: [
    { ruleId: "agent-stored-secret", principal: "aws_iam_role.agent", reason: "reads only its own API token", expires: "2099-12-31" },
    { ruleId: "agent-protection-removal", principal: "module.m.aws_iam_role.r[0]", reason: "approved by the data owner", expires: "2099-01-01T00:00:00Z" },
    { ruleId: "agent-self-escalation", principal: "aws_iam_user.ci", reason: "break-glass user, monitored" },
  ],
  strict: true,
  protected: { addresses: ["aws_db_instance.main"], types: ["aws_rds_cluster"] },
  organisationIssuers: ["https://acme.okta.com/oauth2/default", "login.acme-corp.com/oauth2/aus1abcd"],
  trustedKeys: ["keys/release.pem"],
};

describe("loadConfig", () => {
  it("accepts a full valid config and returns it as written", () => {
    expect(loadConfig(write("blastwall.json", full))).toEqual(full);
  });

  it("accepts an empty object", () => {
    expect(loadConfig(write("blastwall.json", {}))).toEqual({});
  });

  it("looks for blastwall.json in the working directory when no file is named", () => {
    expect(loadConfig(undefined, dir)).toEqual({});
    write("blastwall.json", { strict: true });
    expect(loadConfig(undefined, dir)).toEqual({ strict: true });
  });

  it("reads a relative file from the given working directory", () => {
    mkdirSync(join(dir, "conf"));
    writeFileSync(join(dir, "conf", "b.json"), JSON.stringify({ strict: false }));
    expect(loadConfig("conf/b.json", dir)).toEqual({ strict: false });
  });

  it("fails on a named file that does not exist", () => {
    expect(() => loadConfig(join(dir, "missing.json"))).toThrow(InputError);
    expect(() => loadConfig("missing.json", dir)).toThrow(/^missing\.json: config file not found$/);
  });

  it("fails on a directory", () => {
    expect(() => loadConfig(dir)).toThrow(/is a directory/);
  });

  it("fails on bad JSON, in one line", () => {
    expect(problem("{ \"strict\": tru }")).toMatch(/^is not valid JSON: /);
    expect(problem("")).toMatch(/^is not valid JSON/);
  });

  it("names the key of a too-short acknowledgement reason", () => {
    const p = problem({ acknowledgements: [{ ruleId: "r", principal: "aws_iam_role.a", reason: "ok" }] });
    expect(p).toBe("acknowledgements[0].reason: must be at least 10 characters long (got 2)");
  });

  it("names a missing required key", () => {
    expect(problem({ acknowledgements: [full.acknowledgements![0], { ruleId: "r", reason: "long enough reason" }] })).toBe(
      "acknowledgements[1].principal: is required",
    );
  });

  it("rejects unknown keys everywhere, listing what is allowed", () => {
    expect(problem({ agent: {} })).toMatch(/^agent: unknown key \(expected one of: agents, severity, acknowledgements, acknowledgementsInCode, strict, protected, organisationIssuers, trustedKeys\)$/);
    expect(problem({ agents: { nmes: ["x"] } })).toBe("agents.nmes: unknown key (expected one of: addresses, names, tags)");
    expect(problem({ protected: { type: ["x"] } })).toMatch(/^protected\.type: unknown key/);
    expect(
      problem({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.a", reason: "long enough reason", until: "2099-01-01" }] }),
    ).toMatch(/^acknowledgements\[0\]\.until: unknown key \(expected one of: ruleId, principal, reason, expires, actions, resource, grants, stack\)$/);
  });

  it("refuses an organisationIssuers entry that is no one issuer (a wildcard, a template, a blank), naming it (red-team round 157, F6)", () => {
    expect(problem({ organisationIssuers: "https://acme.okta.com" })).toBe('organisationIssuers: must be an array, not string "https://acme.okta.com"');
    expect(problem({ organisationIssuers: [7] })).toBe("organisationIssuers[0]: must be a string, not number 7");
    expect(problem({ organisationIssuers: [""] })).toMatch(/^organisationIssuers\[0\]: must be at least 1 characters long/);
    for (const entry of ["https://acme.okta.com/oauth2/*", "https://${var.idp}", "https://acme.okta.com/ x", "http s://x"]) {
      expect(problem({ organisationIssuers: [entry] })).toBe(
        `organisationIssuers[0]: must be one issuer URL as tokens carry it (https://acme.okta.com/oauth2/default), with no blank, *, ? or \${...}: it matches one issuer exactly (got ${JSON.stringify(entry)})`,
      );
    }
  });

  it("names wrong types and values", () => {
    expect(problem({ strict: "yes" })).toBe('strict: must be a boolean, not string "yes"');
    expect(problem({ agents: { names: "ai-*" } })).toBe('agents.names: must be an array, not string "ai-*"');
    expect(problem({ agents: { tags: { team: 1 } } })).toBe("agents.tags.team: must be a string, not number 1");
    expect(problem({ severity: { "agent-destroy-right": "fatal" } })).toBe(
      'severity.agent-destroy-right: must be one of "error", "warning", "off", not "fatal"',
    );
    expect(problem({ severity: { "my rule": "loud" } })).toMatch(/^severity\["my rule"\]: must be one of/);
    expect(problem([])).toBe("(top level): must be an object, not an array");
  });

  // Red-team round 98, r3 #8: an ARN or path in agents.names matched no IAM name, so the agent it meant passed unjudged.
  it("refuses agents.names entries that are ARNs or paths, naming the name to write", () => {
    expect(problem({ agents: { names: ["arn:aws:iam::*:role/ai-*"] } })).toMatch(
      /^agents\.names\[0\]: "arn:aws:iam::\*:role\/ai-\*" can match no principal: agents\.names matches names, not ARNs or paths: use "ai-\*" \(IAM role and user names/,
    );
    expect(problem({ agents: { names: ["ai-*", "role/ai-*"] } })).toMatch(/^agents\.names\[1\]: "role\/ai-\*" can match no principal: .* use "ai-\*"/);
    expect(problem({ agents: { names: ["/agents/coder"] } })).toMatch(/use "coder"/);
    expect(problem({ agents: { names: ["ai coder"] } })).toMatch(/^agents\.names\[0\]: "ai coder" can match no principal: agents\.names matches names, which hold only letters/);
  });

  it("accepts every character an IAM or Identity Center name may hold, and the globs * and ?", () => {
    const config: BlastwallConfig = { agents: { names: ["ai-*", "Agent_?", "a+b=c,d.e@f-g", "*"] } };
    expect(loadConfig(write("ok.json", config))).toEqual(config);
  });

  it("refuses wildcard principals in acknowledgements", () => {
    expect(problem({ acknowledgements: [{ ruleId: "r", principal: "aws_iam_role.*", reason: "all agents are fine" }] })).toBe(
      'acknowledgements[0].principal: must be one exact Terraform address, without * or ? (got "aws_iam_role.*")',
    );
  });

  it("rejects an acknowledgement whose expires is not a valid date", () => {
    const ack = (expires: string) => ({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.a", reason: "long enough reason", expires }] });
    for (const bad of ["next week", "2025-02-30", "2025-13-01", "31/12/2025", "2025-06-30T12:00:00", "2025-06-30T25:00:00Z", ""]) {
      expect(problem(ack(bad))).toMatch(/^acknowledgements\[0\]\.expires: .* is not a valid date \(use YYYY-MM-DD/);
    }
    for (const good of ["2024-02-29", "2025-06-30T12:00Z", "2025-06-30T12:00:00.5+02:00"]) {
      expect(loadConfig(write("ok.json", ack(good))).acknowledgements?.[0].expires).toBe(good);
    }
  });

  it("reports through parseConfig with the file name it is given", () => {
    expect(() => parseConfig({ strict: 1 }, "cfg.json")).toThrow("cfg.json: strict: must be a boolean, not number 1");
  });
});

describe("keyPath", () => {
  it("turns ajv instance paths into keys as written", () => {
    expect(keyPath("/acknowledgements/0/reason")).toBe("acknowledgements[0].reason");
    expect(keyPath("")).toBe("(top level)");
    expect(keyPath("", "agents")).toBe("agents");
    expect(keyPath("/severity", "a/b")).toBe('severity["a/b"]');
    expect(keyPath("/severity/a~1b")).toBe('severity["a/b"]');
  });
});

describe("configAcknowledgements", () => {
  it("gives every acknowledgement its source", () => {
    expect(configAcknowledgements(full, "ci/blastwall.json").map((a) => a.source)).toEqual([
      "ci/blastwall.json",
      "ci/blastwall.json",
      "ci/blastwall.json",
    ]);
    expect(configAcknowledgements({})).toEqual([]);
  });
});

describe("what a config must say plainly", () => {
  const dir2 = mkdtempSync(join(tmpdir(), "blastwall-config-plain-"));
  const put = (text: string) => {
    const p = join(dir2, "blastwall.json");
    writeFileSync(p, text);
    return p;
  };
  const ack = (over: Record<string, unknown>) => JSON.stringify({ acknowledgements: [{ ruleId: "agent-destroy-right", principal: "aws_iam_role.a", reason: "scratch volumes only, reviewed", ...over }] });

  it("rejects a misspelt rule id in severity or an acknowledgement, naming the key", () => {
    expect(() => loadConfig(put(JSON.stringify({ severity: { "agent-stored-secrets": "error" } })))).toThrow(/severity\.agent-stored-secrets: unknown rule id/);
    expect(() => loadConfig(put(ack({ ruleId: "agent-destroy-rights" })))).toThrow(/acknowledgements\[0\]\.ruleId: "agent-destroy-rights" is not a rule id/);
  });

  it("rejects a reason of blanks or invisible characters", () => {
    expect(() => loadConfig(put(ack({ reason: "          " })))).toThrow(/acknowledgements\[0\]\.reason: must say why in at least 10 characters/);
    expect(() => loadConfig(put(ack({ reason: "\u200b".repeat(12) })))).toThrow(/at least 10 characters/);
  });

  it("rejects a key given twice (JSON.parse would keep the last), naming the line", () => {
    expect(() => loadConfig(put('{\n"severity": {"agent-destroy-right": "error"},\n"severity": {"agent-destroy-right": "off"}\n}'))).toThrow(/line 3, column 1: key "severity" appears twice in the same object \(first at line 2\); JSON keeps only the last, so blastwall would judge less than the file says/);
  });
});
