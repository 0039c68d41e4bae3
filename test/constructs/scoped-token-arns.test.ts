/**
 * ScopedToken (a user review): resources in another account or region than the token's, which its
 * aws:ResourceAccount and aws:RequestedRegion conditions can never match.
 */
import { AgentPrincipal, AgentRole, ScopedToken } from "../../lib/constructs";
import { APP_ACCOUNT, stackIn } from "./helpers";

type Obj = Record<string, any>;

describe("ScopedToken: resources its conditions can never match", () => {
  const token = (extra: Obj) => {
    const stack = stackIn("eu-central-1");
    const agent = new AgentRole(stack, "A", { roleName: "claude", assumedBy: [AgentPrincipal.role(`arn:aws:iam::${APP_ACCOUNT}:role/runner`)] });
    return new ScopedToken(stack, "T", {
      name: "t", assumedBy: agent, actions: ["logs:GetLogEvents"], environment: "staging", accountId: "111122223333", region: "eu-central-1",
      resources: ["arn:aws:logs:eu-central-1:111122223333:log-group:/app:*"], ...extra,
    });
  };

  test("a resource ARN in another account than accountId is refused, naming resources[i]", () => {
    expect(() => token({ resources: ["arn:aws:logs:eu-central-1:111122223333:log-group:/a:*", "arn:aws:logs:eu-central-1:999999999999:log-group:/app:*"] })).toThrow(
      'ScopedToken: resources[1] is in account 999999999999, but accountId is 111122223333',
    );
  });

  test("a resource ARN in another region than region is refused, naming resources[i]", () => {
    expect(() => token({ resources: ["arn:aws:logs:us-east-1:111122223333:log-group:/app:*"] })).toThrow(
      'ScopedToken: resources[0] is in region us-east-1, but region is eu-central-1',
    );
  });

  test.each([
    ["an ARN of the token's account and region", "arn:aws:logs:eu-central-1:111122223333:log-group:/app:*"],
    ["an ARN without account and region (S3)", "arn:aws:s3:::bucket/key"],
    ["an ARN with a wildcard account", "arn:aws:logs:eu-central-1:*:log-group:/app:*"],
    ["an ARN with a wildcard region", "arn:aws:logs:eu-*:111122223333:log-group:/app:*"],
  ])("control: %s is accepted", (_name, arn) => {
    expect(() => token({ resources: [arn] })).not.toThrow();
  });
});
