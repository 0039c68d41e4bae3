/**
 * Props from plain JavaScript, where the compiler does not check them: a missing or mistyped prop is named in the
 * message, never a TypeError from deep inside (found by a red-team).
 */
import { App, TerraformStack } from "cdktf";
import { AgentRole, ProtectedDatabase, ScopedToken } from "../../lib/constructs";
import { acknowledge } from "../../lib/cdktf";
import { requireInteger } from "../../lib/constructs/validate";

const stack = () => new TerraformStack(new App(), "s");
const loose = <T>(v: unknown) => v as T;

describe("props from plain JavaScript", () => {
  test.each([
    ["AgentRole without props", () => new AgentRole(stack(), "A", loose({})), /^AgentRole: roleName is required/],
    ["AgentRole with a hole in assumedBy", () => new AgentRole(stack(), "A", loose({ roleName: "a", assumedBy: [undefined] })), /^AgentRole: assumedBy has no principal .* at position 0/],
    ["ScopedToken with resources as a string", () => new ScopedToken(stack(), "T", loose({ name: "t", actions: ["s3:GetObject"], resources: "*" })), /^ScopedToken: /],
    ["ProtectedDatabase without an engine", () => new ProtectedDatabase(stack(), "D", loose({ identifier: "db" })), /^ProtectedDatabase: engine is required/],
    ["acknowledge without a scope", () => acknowledge(loose(undefined), { ruleId: "agent-destroy-right", reason: "reviewed by the platform team" }), /^acknowledge: scope is required/],
  ])("%s", (_name, make, message) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
  });

  test("a number given as a string is named as such", () => {
    expect(() => requireInteger("AgentRole", "maxSessionDuration", loose("3600"), 3600, 3600, "seconds")).toThrow('AgentRole: maxSessionDuration must be a number, not the string "3600"');
  });
});
