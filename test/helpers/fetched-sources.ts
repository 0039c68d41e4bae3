import { agentRole, check, errors, policy } from "./tf";

type Obj = Record<string, unknown>;

/** The agent, allowed `action` on `resource`. */
export const agentCan = (action: string | string[], resource: string | string[]) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: action, Resource: resource }) },
});

/** A role that `service` assumes, with AdministratorAccess. */
export const adminRole = (name: string, service: string) => ({
  [`aws_iam_role.${name}`]: { name, assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
  [`aws_iam_role_policy_attachment.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
});

/** What the agent's hijack links to principals blastwall cannot see say. */
export const unknownVia = (json: Obj) => errors(check(json), "agent-reach-unknown").flatMap((f) => f.evidence).filter((e) => e.step === "hijack").map((e) => e.detail);

/** The principals with destroy rights the agent comes to act as. */
export const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource).sort();

/**
 * CodeBuild project `p` running as the admin role `build` (made here too), with `source` merged into its one source
 * (a GitHub repository unless said) and `extra` into the project: the buildspec tests' stack.
 */
export const buildProject = (source: Obj, extra: Obj = {}) => ({
  ...adminRole("build", "codebuild.amazonaws.com"),
  "aws_codebuild_project.p": {
    name: "p",
    service_role: "${aws_iam_role.build.arn}",
    artifacts: [{ type: "NO_ARTIFACTS" }],
    source: [{ type: "GITHUB", location: "https://github.com/o/r.git", ...source }],
    environment: [{ compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER" }],
    ...extra,
  },
});
