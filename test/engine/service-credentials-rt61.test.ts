/**
 * Credentials that work in one service only (red-team round 61 #8): an IAM SSH public key authenticates git over SSH
 * to CodeCommit and nothing else; a service-specific credential is a git (CodeCommit), CQL (Keyspaces) or Bedrock API
 * key login. Neither signs an AWS API request, so minting one for a user makes the agent that user in the service
 * alone: its pushes (what a pipeline builds from them), its Keyspaces and Bedrock rights, never its EC2 or RDS ones.
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";
import { buildStack } from "../../lib/engine/terraform/stack";
import { checkStacks } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";

type Obj = Record<string, unknown>;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const agentCan = (...statements: Obj[]) => ({
  "aws_iam_role.agent": agentRole(),
  "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy(...statements) },
});
const on = (action: string | string[], extra: Obj = {}) => agentCan({ Effect: "Allow", Action: action, Resource: "${aws_iam_user.ops.arn}", ...extra });
const user = (...statements: Obj[]) => ({ "aws_iam_user.ops": { name: "ops" }, "aws_iam_user_policy.ops": { user: "${aws_iam_user.ops.name}", policy: policy(...statements) } });
/** The red team's false alarm: a snapshot janitor with no CodeCommit rights. */
const janitor = user({ Effect: "Allow", Action: ["ec2:DeleteSnapshot", "rds:DeleteDBSnapshot"], Resource: "*" });
/** A pipeline that deploys with an administrator role what is pushed to `infra`. */
const pipeline = {
  "aws_iam_role.pipeline": { name: "pipeline", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: "codepipeline.amazonaws.com" }, Action: "sts:AssumeRole" }) },
  "aws_iam_role_policy_attachment.pipeline": { role: "${aws_iam_role.pipeline.name}", policy_arn: ADMIN },
  "aws_codecommit_repository.infra": { repository_name: "infra" },
  "aws_codepipeline.deploy": {
    name: "deploy",
    role_arn: "${aws_iam_role.pipeline.arn}",
    stage: [{ name: "Source", action: [{ name: "src", category: "Source", owner: "AWS", provider: "CodeCommit", version: "1", configuration: { RepositoryName: "${aws_codecommit_repository.infra.repository_name}", BranchName: "main" } }] }],
  },
};
const chainOf = (r: ReturnType<typeof check>, rule = "agent-transitive-destroy") => errors(r, rule).map((f) => f.evidence.filter((e) => ["become-user", "hijack", "destroy-rights"].includes(e.step)).map((e) => `${e.step}:${e.address}`));

describe("an SSH public key on a user is git to CodeCommit as the user, nothing more", () => {
  test.each(["iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey"])("%s on a user who deletes snapshots but has no CodeCommit right passes", (action) => {
    expect(errors(check(tf({ ...on(action), ...janitor })))).toEqual([]);
  });

  test("the control: an access key on the same user is every right it has", () => {
    const [f] = errors(check(tf({ ...on("iam:CreateAccessKey"), ...janitor })), "agent-transitive-destroy");
    expect(f.actions).toEqual(expect.arrayContaining(["ec2:DeleteSnapshot", "rds:DeleteDBSnapshot"]));
  });

  test("a user who may push to the repository a pipeline deploys from is a path to the pipeline's role", () => {
    const r = check(tf({ ...on("iam:UploadSSHPublicKey"), ...janitor, "aws_iam_user_policy.push": { user: "${aws_iam_user.ops.name}", policy: policy({ Effect: "Allow", Action: "codecommit:GitPush", Resource: "${aws_codecommit_repository.infra.arn}" }) }, ...pipeline }));
    const [f] = errors(r, "agent-transitive-destroy");
    expect(f.message).toContain("aws_iam_role.agent --iam:UploadSSHPublicKey--> aws_iam_user.ops (CodeCommit git only) --codecommit:GitPush--> aws_iam_role.pipeline");
    expect(f.resource).toBe("aws_iam_role.pipeline");
    // The user's own snapshot deletes are not the agent's.
    expect(errors(r, "agent-transitive-destroy").map((x) => x.resource)).toEqual(["aws_iam_role.pipeline"]);
    expect(f.evidence.find((e) => e.step === "become-user")?.detail).toMatch(/add an SSH public key to aws_iam_user.ops, which acts as that user in CodeCommit git only/);
  });

  test("a push on a wildcard reaches pipelines outside the stack (the red team's control)", () => {
    const r = check(tf({ ...on("iam:UploadSSHPublicKey"), ...user({ Effect: "Allow", Action: ["codecommit:GitPull", "codecommit:GitPush"], Resource: "*" }) }));
    const [f] = errors(r, "agent-reach-unknown");
    expect(f.message).toContain("--iam:UploadSSHPublicKey--> aws_iam_user.ops (CodeCommit git only) --codecommit:GitPush--> unknown:source:codecommit:*");
    expect(f.resource).toBe("aws_iam_user.ops");
  });

  test("CodeCommit API writes need a signed request: a user who may only PutFile or merge is no path through a key", () => {
    const writes = user({ Effect: "Allow", Action: ["codecommit:PutFile", "codecommit:CreateCommit", "codecommit:MergeBranchesByFastForward", "codecommit:DeleteRepository"], Resource: "*" });
    expect(errors(check(tf({ ...on("iam:UploadSSHPublicKey"), ...writes, ...pipeline })))).toEqual([]);
    // The control: with an access key the same user's PutFile is a path.
    expect(errors(check(tf({ ...on("iam:CreateAccessKey"), ...writes, ...pipeline }))).length).toBeGreaterThan(0);
  });

  test("an administrator user is still a path, through its pushes", () => {
    const admin = { "aws_iam_user.ops": { name: "ops" }, "aws_iam_user_policy_attachment.ops": { user: "${aws_iam_user.ops.name}", policy_arn: ADMIN } };
    const r = check(tf({ ...on("iam:UploadSSHPublicKey"), ...admin }));
    expect(errors(r, "agent-transitive-destroy")).toEqual([]);
    expect(errors(r, "agent-reach-unknown")[0].message).toContain("aws_iam_user.ops (CodeCommit git only) --codecommit:GitPush--> unknown:source:codecommit:*");
  });

  test("beside an access key on the same user, the key adds no second finding", () => {
    const pusher = user({ Effect: "Allow", Action: "codecommit:GitPush", Resource: "${aws_codecommit_repository.infra.arn}" });
    const found = errors(check(tf({ ...on(["iam:UploadSSHPublicKey", "iam:CreateAccessKey"]), ...pusher, ...pipeline })), "agent-transitive-destroy");
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("aws_iam_role.agent --iam:CreateAccessKey--> aws_iam_user.ops --codecommit:GitPush--> aws_iam_role.pipeline.");
  });

  test("users outside the stack stay unknown", () => {
    const r = check(tf({ ...agentCan({ Effect: "Allow", Action: "iam:UploadSSHPublicKey", Resource: "*" }) }));
    expect(errors(r, "agent-reach-unknown")[0].message).toMatch(/users matching \*/);
  });
});

describe("a service-specific credential is the user in CodeCommit git, Keyspaces and Bedrock", () => {
  const keyspaces = user({ Effect: "Allow", Action: ["cassandra:Select", "cassandra:Drop"], Resource: "*" }, { Effect: "Allow", Action: ["ec2:DeleteSnapshot"], Resource: "*" });

  test.each(["iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UpdateServiceSpecificCredential"])("%s: the user's Keyspaces drop counts, its EC2 delete does not", (action) => {
    const [f, ...rest] = errors(check(tf({ ...on(action), ...keyspaces })), "agent-transitive-destroy");
    expect(rest).toEqual([]);
    expect(f.message).toContain(`--${action}--> aws_iam_user.ops (CodeCommit git, Keyspaces and Bedrock only)`);
    expect(f.actions).toEqual(["cassandra:Drop"]);
    expect(f.resource).toBe("aws_iam_user.ops");
  });

  test.each(["iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UpdateServiceSpecificCredential"])("%s on the snapshot janitor passes", (action) => {
    expect(errors(check(tf({ ...on(action), ...janitor })))).toEqual([]);
  });

  test("a Bedrock API key is the user in Bedrock only: an administrator's EC2 and Keyspaces deletes are out of its reach", () => {
    const admin = { "aws_iam_user.ops": { name: "ops" }, "aws_iam_user_policy_attachment.ops": { user: "${aws_iam_user.ops.name}", policy_arn: ADMIN } };
    const bedrockOnly = on("iam:CreateServiceSpecificCredential", { Condition: { StringEquals: { "iam:ServiceSpecificCredentialServiceName": "bedrock.amazonaws.com" } } });
    // Catalogue 1.23.0 lists Bedrock actions (DeleteModelInvocationLoggingConfiguration, a Bedrock control-plane call an
    // API key may make): those of the administrator are reached, and nothing outside Bedrock.
    const reached = check(tf({ ...bedrockOnly, ...admin })).findings.filter((f) => !f.acknowledged);
    expect(reached.map((f) => f.ruleId)).toEqual(["agent-transitive-destroy"]);
    expect(reached[0].message).toContain("aws_iam_user.ops (Bedrock only)");
    expect(reached[0].actions).toContain("bedrock:DeleteModelInvocationLoggingConfiguration");
    expect(reached.flatMap((f) => f.actions).filter((a) => !a.startsWith("bedrock:"))).toEqual([]);
    // The control: a credential for any service reaches the administrator's Keyspaces drops and its pushes anywhere.
    const r = check(tf({ ...on("iam:CreateServiceSpecificCredential"), ...admin }));
    const [f] = errors(r, "agent-transitive-destroy");
    expect(f.message).toMatch(/aws_iam_user.ops \(CodeCommit git, Keyspaces and Bedrock only\), which can delete data or remove its protection \(cassandra:/);
    expect(f.actions).not.toContain("ec2:DeleteVolume");
  });

  test("iam:ServiceSpecificCredentialServiceName limits the services", () => {
    const limited = (operator: string, value: string | string[]) => on("iam:CreateServiceSpecificCredential", { Condition: { [operator]: { "iam:ServiceSpecificCredentialServiceName": value } } });
    // CodeCommit only: the Keyspaces drop is out of reach.
    expect(errors(check(tf({ ...limited("StringEquals", "codecommit.amazonaws.com"), ...keyspaces })))).toEqual([]);
    expect(errors(check(tf({ ...limited("StringEqualsIfExists", "codecommit.amazonaws.com"), ...keyspaces })))).toEqual([]);
    // The controls: naming Keyspaces, a pattern that covers it, a negation or a set operator.
    for (const [op, v] of [["StringEquals", "cassandra.amazonaws.com"], ["StringLike", "*.amazonaws.com"], ["StringEquals", ["codecommit.amazonaws.com", "cassandra.amazonaws.com"]], ["StringNotEquals", "codecommit.amazonaws.com"], ["ForAnyValue:StringEquals", "codecommit.amazonaws.com"]] as const) {
      const [f] = errors(check(tf({ ...limited(op, v as string | string[]), ...keyspaces })), "agent-transitive-destroy");
      expect(f?.actions).toEqual(["cassandra:Drop"]);
    }
    const [f] = errors(check(tf({ ...limited("StringEquals", "cassandra.amazonaws.com"), ...keyspaces })), "agent-transitive-destroy");
    expect(f.message).toContain("aws_iam_user.ops (Keyspaces only)");
  });

  test("a CodeCommit-only credential still reaches what the user's pushes deploy", () => {
    const pusher = user({ Effect: "Allow", Action: "codecommit:GitPush", Resource: "${aws_codecommit_repository.infra.arn}" });
    const cred = on("iam:CreateServiceSpecificCredential", { Condition: { StringEquals: { "iam:ServiceSpecificCredentialServiceName": "codecommit.amazonaws.com" } } });
    expect(chainOf(check(tf({ ...cred, ...pusher, ...pipeline })))[0]).toEqual(["become-user:aws_iam_user.ops (CodeCommit git only)", "hijack:aws_iam_role.pipeline", "destroy-rights:aws_iam_role.pipeline"]);
  });

  test("the agent's own writes on the user's policies still count: it can give the user any Keyspaces right", () => {
    const r = check(tf({ ...agentCan({ Effect: "Allow", Action: ["iam:CreateServiceSpecificCredential", "iam:PutUserPolicy"], Resource: "${aws_iam_user.ops.arn}" }), ...user({ Effect: "Allow", Action: "cassandra:Select", Resource: "*" }) }));
    expect(errors(r, "agent-transitive-destroy").map((f) => f.message).join("\n")).toMatch(/aws_iam_user.ops \(CodeCommit git, Keyspaces and Bedrock only\), which the agent can rewrite/);
  });
});

describe("across the stacks of one run", () => {
  const SERVICE_TRUST = policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
  /** The agents stack: the agent may add an SSH key to ops, who may push to the repository the pipeline deploys from (a harmless role here). */
  const agents = tf(
    {
      "aws_iam_role.agent": agentRole({ assume_role_policy: SERVICE_TRUST }),
      "aws_iam_role_policy.agent": { role: "${aws_iam_role.agent.name}", policy: policy({ Effect: "Allow", Action: "iam:UploadSSHPublicKey", Resource: "${aws_iam_user.ops.arn}" }) },
      ...user({ Effect: "Allow", Action: "codecommit:GitPush", Resource: "${aws_codecommit_repository.infra.arn}" }),
      ...pipeline,
      "aws_iam_role_policy_attachment.pipeline": { role: "${aws_iam_role.pipeline.name}", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
    },
    { terraform: { backend: { local: { path: "/app/terraform.agents.tfstate" } } } },
  );
  const data = (trusted: string) =>
    tf(
      {
        "aws_iam_role.deployer": { name: "deployer", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: trusted }, Action: "sts:AssumeRole" }) },
        "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.deployer.name}", policy_arn: ADMIN },
      },
      { terraform: { backend: { local: { path: "/app/terraform.data.tfstate" } } } },
    );
  const run = (other: Obj) =>
    checkStacks([buildStack(agents, "agents.tf.json", "agents"), buildStack(other, "data.tf.json", "data")], { config: {}, rules: agentRules }).findings.filter((f) => f.file === "data.tf.json" && f.severity === "error");

  test("what the user's pushes run as is the agent's in another stack too", () => {
    const [f] = run(data("arn:aws:iam::111111111111:role/pipeline"));
    expect(f).toMatchObject({ ruleId: "agent-transitive-destroy", resource: "aws_iam_role.deployer" });
    expect(f.evidence[0].detail).toContain("it may be aws_iam_role.pipeline of stack agents, which the AI agent aws_iam_role.agent of stack agents can act as (codecommit:GitPush, through aws_iam_user.ops (CodeCommit git only))");
  });

  test("the user itself is not: an SSH key assumes no role", () => {
    expect(run(data("arn:aws:iam::111111111111:user/ops"))).toEqual([]);
  });
});
