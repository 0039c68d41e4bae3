import { AGENT, tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/agent-long-lived-keys";
import { buildStack } from "../../lib/engine/terraform/stack";
import { analyzeStack } from "../../lib/engine/analyze";

describe("agent-long-lived-keys", () => {
  it("fails an agent IAM user, and each access key or password given to it (by reference or by name)", () => {
    const json = tf({
      "aws_iam_user.bot": { name: "agent-bot", tags: AGENT },
      "aws_iam_access_key.k1": { user: "${aws_iam_user.bot.name}" },
      "aws_iam_access_key.k2": { user: "agent-bot" },
      "aws_iam_user_login_profile.p": { user: "${aws_iam_user.bot.name}" },
    });
    const found = run(rule, json);
    expect(found.map((f) => f.resource).sort()).toEqual(["aws_iam_access_key.k1", "aws_iam_access_key.k2", "aws_iam_user.bot", "aws_iam_user_login_profile.p"]);
    for (const f of found) expect(f.principal).toBe("aws_iam_user.bot");
    const user = found.find((f) => f.resource === "aws_iam_user.bot")!;
    expect(user.message).toContain("aws_iam_user.bot is an AI agent IAM user");
    expect(user.message).toContain("Use an AgentRole or a ScopedToken");
    expect(found.find((f) => f.resource === "aws_iam_access_key.k1")!.message).toContain("gives AI agent user aws_iam_user.bot an access key, which does not expire");
  });

  it("fails an SSH key, a service-specific credential and a signing certificate, which name their user otherwise", () => {
    const json = tf({
      "aws_iam_user.bot": { name: "agent-bot", tags: AGENT },
      "aws_iam_user_ssh_key.s": { username: "${aws_iam_user.bot.name}", encoding: "SSH", public_key: "ssh-rsa AAAA" },
      "aws_iam_service_specific_credential.c": { user_name: "agent-bot", service_name: "codecommit.amazonaws.com" },
      "aws_iam_signing_certificate.x": { user_name: "${aws_iam_user.bot.name}", certificate_body: "-----BEGIN CERTIFICATE-----" },
    });
    expect(run(rule, json).map((f) => f.resource).sort()).toEqual(["aws_iam_service_specific_credential.c", "aws_iam_signing_certificate.x", "aws_iam_user.bot", "aws_iam_user_ssh_key.s"]);
  });

  it("ignores users and keys that are not agents'", () => {
    const json = tf({ "aws_iam_user.ci": { name: "ci" }, "aws_iam_access_key.k": { user: "${aws_iam_user.ci.name}" }, "aws_iam_access_key.ext": { user: "someone-else" } });
    expect(run(rule, json)).toEqual([]);
  });

  it("gives a key's finding the user's construct path, and the key's as resourceConstructPath (as every principal finding does)", () => {
    const json = tf({
      "aws_iam_user.bot": { name: "agent-bot", tags: AGENT, "//": { metadata: { path: "rich/bot" } } },
      "aws_iam_access_key.bot": { user: "${aws_iam_user.bot.name}", "//": { metadata: { path: "rich/bot-key" } } },
    });
    const { findings } = analyzeStack(buildStack(json, "test.tf.json"), { config: {}, rules: [rule] });
    const key = findings.find((f) => f.resource === "aws_iam_access_key.bot")!;
    expect(key.constructPath).toBe("rich/bot");
    expect(key.resourceConstructPath).toBe("rich/bot-key");
    // Control: the user's own finding is at the user, with no second path.
    const user = findings.find((f) => f.resource === "aws_iam_user.bot")!;
    expect(user.constructPath).toBe("rich/bot");
    expect(user.resourceConstructPath).toBeUndefined();
  });
});
