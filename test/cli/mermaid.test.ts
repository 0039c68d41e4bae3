import { check, agentRole, policy, tf } from "../helpers/tf";
import { renderMermaid } from "../../lib/report/mermaid";

test("--format mermaid draws each failing agent's chain: nodes, labelled edges, destroy leaves", () => {
  const r = check(
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }) },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] }) },
      "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    }),
  );
  const m = renderMermaid(r);
  expect(m).toMatch(/^flowchart LR\n  subgraph s0\["aws_iam_role\.agent in test\.tf\.json"\]\n/);
  expect(m).toMatch(/n0\["aws_iam_role\.agent \(agent\)"\]/);
  expect(m).toMatch(/n0 -->\|"sts:AssumeRole"\| n1/);
  expect(m).toMatch(/n1\["aws_iam_role\.deployer"\]/);
  expect(m).toMatch(/n1 -->\|"agent-transitive-destroy"\| leaf0/);
  expect(m).toMatch(/leaf0\(\["ec2:DeleteVolume/);
});

test("unknown principals are drawn as hexagons", () => {
  const r = check(
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) },
    }),
  );
  expect(renderMermaid(r)).toMatch(/n1\{\{"roles:\*"\}\}/);
});

test("no failing agent: a comment, not an empty diagram", () => {
  expect(renderMermaid(check(tf({ "aws_iam_role.agent": agentRole() })))).toMatch(/^%% blastwall: no failing agent/);
});

test("the README's diagram is what the April 2026 path draws today", () => {
  const trustAgent = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] });
  const r = check(
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": {
        role: "${aws_iam_role.agent.name}",
        policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.deployer.arn}" }, { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "${aws_secretsmanager_secret.ci.arn}" }),
      },
      "aws_iam_role.deployer": { name: "deployer", assume_role_policy: trustAgent },
      "aws_iam_role_policy_attachment.power": { role: "${aws_iam_role.deployer.name}", policy_arn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      "aws_iam_user.ci": { name: "ci" },
      "aws_iam_user_policy_attachment.admin": { user: "${aws_iam_user.ci.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      "aws_iam_access_key.ci": { user: "${aws_iam_user.ci.name}" },
      "aws_secretsmanager_secret.ci": { name: "ci-key" },
      "aws_secretsmanager_secret_version.ci": { secret_id: "${aws_secretsmanager_secret.ci.id}", secret_string: "${aws_iam_access_key.ci.secret}" },
    }),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readme = (require("fs") as typeof import("fs")).readFileSync(require("path").join(__dirname, "..", "..", "README.md"), "utf8");
  const drawn = /```mermaid\n([\s\S]*?)```/.exec(readme)![1];
  // The whole output, so the sample is one diagram Mermaid renders as it stands.
  expect(renderMermaid(r)).toBe(drawn);
});
