/**
 * The reach graph skips parsing trust policies whose text shows they admit only AWS services. The text must not be
 * able to hide a principal from that shortcut: JSON escapes and other casings are parsed like anything unusual.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const AGENT_ARN = "arn:aws:iam::111111111111:role/agents/agent";

/** The admin role's trust, as raw text: a service statement plus one that admits the agent. */
function stackWithTrust(trustText: string) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.hop": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.admin.arn}" }) },
    "aws_iam_role.admin": { name: "admin", assume_role_policy: trustText },
    "aws_iam_role_policy.admin": { role: "${aws_iam_role.admin.name}", policy: policy({ Effect: "Allow", Action: "ec2:DeleteVolume", Resource: "*" }) },
  });
}

const service = `{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`;
const trust = (second: string) => `{"Version":"2012-10-17","Statement":[${service},${second}]}`;
const reaches = (text: string) => errors(check(stackWithTrust(text)), "agent-transitive-destroy").map((f) => f.principal);

describe("trust policies that admit more than services are never skipped", () => {
  test("plain AWS principal: the control", () => {
    expect(reaches(trust(`{"Effect":"Allow","Principal":{"AWS":"${AGENT_ARN}"},"Action":"sts:AssumeRole"}`))).toEqual(["aws_iam_role.agent"]);
  });

  test('"\\u0041WS" spells AWS', () => {
    expect(reaches(trust(`{"Effect":"Allow","Principal":{"\\u0041WS":"${AGENT_ARN}"},"Action":"sts:AssumeRole"}`))).toEqual(["aws_iam_role.agent"]);
  });

  test('"\\u0050rincipal": "*" spells Principal', () => {
    expect(reaches(trust(`{"Effect":"Allow","\\u0050rincipal":"*","Action":"sts:AssumeRole"}`))).toEqual(["aws_iam_role.agent"]);
  });

  test("a service-only trust admits no one: no path", () => {
    expect(reaches(trust(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`))).toEqual([]);
  });
});
