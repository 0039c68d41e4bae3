/**
 * Logging in to compute that runs as a role (red-team round 61 #6): EMR GetClusterSessionCredentials hands out
 * credentials for a cluster's endpoints bound to a runtime role, where the caller's Spark code runs as that role;
 * GameLift GetComputeAccess and GetInstanceAccess open a shell on a fleet's instances, which hold the fleet's role.
 * They were only a warning about stored secrets outside the stack.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const trusting = (aws: string) => policy({ Effect: "Allow", Principal: { AWS: aws }, Action: ["sts:AssumeRole", "sts:SetSourceIdentity"] });
const RUNTIME_ROLES = JSON.stringify({ AuthorizationConfiguration: { IAMConfiguration: { EnableApplicationScopedIAMRole: true } } });

/** The red team's EMR stack: a cluster with runtime roles, its EC2 role, and a runtime role that can destroy. */
const emr = (over: { cluster?: Obj; config?: unknown; runtime?: string; runtimeTrust?: string } = {}) => ({
  ...role("emr_ec2", policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
  "aws_iam_instance_profile.emr_ec2": { name: "emr-ec2", role: "${aws_iam_role.emr_ec2.name}" },
  "aws_emr_security_configuration.rr": { name: "runtime-roles", configuration: over.config ?? RUNTIME_ROLES },
  "aws_emr_cluster.c": {
    name: "analytics",
    release_label: "emr-7.1.0",
    applications: ["Spark", "Livy"],
    service_role: "arn:aws:iam::111111111111:role/emr-service",
    security_configuration: "${aws_emr_security_configuration.rr.name}",
    ec2_attributes: { instance_profile: "${aws_iam_instance_profile.emr_ec2.arn}", subnet_id: "subnet-0123456789abcdef0" },
    ...over.cluster,
  },
  ...role("etl_runtime", over.runtimeTrust ?? trusting("${aws_iam_role.emr_ec2.arn}"), over.runtime ?? DESTROY),
});
const sessionOn = (resource: string, condition?: Obj) =>
  agentCan({ Effect: "Allow", Action: "elasticmapreduce:GetClusterSessionCredentials", Resource: resource, ...(condition ? { Condition: condition } : {}) });
const PINNED = { StringEquals: { "elasticmapreduce:ExecutionRoleArn": "${aws_iam_role.etl_runtime.arn}" } };
const CLUSTER = "${aws_emr_cluster.c.arn}";
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);
const unknowns = (json: Obj) => errors(check(json), "agent-reach-unknown").map((f) => f.message);

describe("EMR GetClusterSessionCredentials", () => {
  test("on a cluster of the stack, pinned to a runtime role that can destroy, is a path to that role (the red team's stack)", () => {
    const r = check(tf({ ...sessionOn(CLUSTER, PINNED), ...emr() }));
    const [f] = errors(r, "agent-transitive-destroy");
    expect(f.message).toContain("aws_iam_role.agent --elasticmapreduce:GetClusterSessionCredentials--> aws_iam_role.etl_runtime");
    expect(f.evidence.find((e) => e.step === "hijack")?.detail).toMatch(/credentials for the endpoints of aws_emr_cluster.c as the runtime role aws_iam_role.etl_runtime, which its elasticmapreduce:ExecutionRoleArn condition names/);
    // No longer a stored-secret warning.
    expect(r.findings.filter((x) => x.ruleId === "agent-stored-secret")).toEqual([]);
  });

  test("the control: a harmless runtime role passes", () => {
    expect(errors(check(tf({ ...sessionOn(CLUSTER, PINNED), ...emr({ runtime: HARMLESS }) })))).toEqual([]);
  });

  test("without a condition, every role the cluster's instance role may assume is a runtime role", () => {
    expect(reached(tf({ ...sessionOn(CLUSTER), ...emr() }))).toEqual(["aws_iam_role.etl_runtime"]);
    // A role whose trust does not admit the instance role is none.
    expect(errors(check(tf({ ...sessionOn(CLUSTER), ...emr({ runtimeTrust: trusting("arn:aws:iam::111111111111:role/ci") }) })))).toEqual([]);
    // One trusting the account root is, when the instance role may assume it.
    const root = trusting("arn:aws:iam::111111111111:root");
    expect(errors(check(tf({ ...sessionOn(CLUSTER), ...emr({ runtimeTrust: root }) })))).toEqual([]);
    const mayAssume = { "aws_iam_role_policy.emr_ec2": { role: "${aws_iam_role.emr_ec2.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "${aws_iam_role.etl_runtime.arn}" }) } };
    expect(reached(tf({ ...sessionOn(CLUSTER), ...emr({ runtimeTrust: root }), ...mayAssume }))).toEqual(["aws_iam_role.etl_runtime"]);
    // An instance role that may assume any role reaches roles outside the stack.
    const anyRole = { "aws_iam_role_policy.emr_ec2": { role: "${aws_iam_role.emr_ec2.name}", policy: policy({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) } };
    expect(unknowns(tf({ ...sessionOn(CLUSTER), ...emr({ runtime: HARMLESS }), ...anyRole })).join("\n")).toMatch(/roles matching \*, which may lie outside this stack/);
  });

  test("a role the condition pins but the instance role may not assume is no path", () => {
    expect(errors(check(tf({ ...sessionOn(CLUSTER, PINNED), ...emr({ runtimeTrust: trusting("arn:aws:iam::111111111111:role/ci") }) })))).toEqual([]);
  });

  test("a cluster without runtime roles hands out no session", () => {
    expect(errors(check(tf({ ...sessionOn(CLUSTER), ...emr({ cluster: { security_configuration: undefined } }) })))).toEqual([]);
    expect(errors(check(tf({ ...sessionOn(CLUSTER), ...emr({ config: JSON.stringify({ EncryptionConfiguration: { EnableAtRestEncryption: false, EnableInTransitEncryption: false } }) }) })))).toEqual([]);
    // The controls: a configuration blastwall cannot read, or one outside the stack, may turn them on.
    expect(reached(tf({ ...sessionOn(CLUSTER), ...emr({ config: "${jsonencode(local.security)}" }) }))).toEqual(["aws_iam_role.etl_runtime"]);
    expect(reached(tf({ ...sessionOn(CLUSTER), ...emr({ cluster: { security_configuration: "shared-runtime-roles" } }) }))).toEqual(["aws_iam_role.etl_runtime"]);
  });

  test("an instance role blastwall cannot resolve leaves the runtime roles unknown, unless the condition pins them", () => {
    const lost = emr({ cluster: { ec2_attributes: { instance_profile: "arn:aws:iam::111111111111:instance-profile/elsewhere" } } });
    expect(unknowns(tf({ ...sessionOn(CLUSTER), ...lost })).join("\n")).toMatch(/the runtime roles of aws_emr_cluster.c, whose instance role blastwall cannot resolve/);
    expect(reached(tf({ ...sessionOn(CLUSTER, PINNED), ...lost }))).toEqual(["aws_iam_role.etl_runtime"]);
    expect(unknowns(tf({ ...sessionOn(CLUSTER, PINNED), ...lost }))).toEqual([]);
    // An instance profile without a role can assume no runtime role.
    const roleless = { ...emr(), "aws_iam_instance_profile.emr_ec2": { name: "emr-ec2" } };
    expect(errors(check(tf({ ...sessionOn(CLUSTER), ...roleless })))).toEqual([]);
  });

  test("clusters outside the stack: roles blastwall cannot see, unless the condition pins the stack's", () => {
    for (const r of ["*", "arn:aws:elasticmapreduce:us-east-1:111111111111:cluster/j-2AXXXXXXGAPLF"]) {
      expect(unknowns(tf({ ...sessionOn(r), ...emr({ runtime: HARMLESS }) })).join("\n")).toContain(`compute reached by elasticmapreduce:GetClusterSessionCredentials on ${r}`);
      expect(reached(tf({ ...sessionOn(r, PINNED), ...emr() }))).toEqual(["aws_iam_role.etl_runtime"]);
      expect(errors(check(tf({ ...sessionOn(r, PINNED), ...emr({ runtime: HARMLESS }) })))).toEqual([]);
    }
    // Pinned to a pattern that may name roles outside the stack.
    expect(unknowns(tf({ ...sessionOn(CLUSTER, { ArnLike: { "elasticmapreduce:ExecutionRoleArn": "arn:aws:iam::111111111111:role/etl-*" } }), ...emr({ runtime: HARMLESS }) })).join("\n")).toMatch(/roles matching arn:aws:iam::111111111111:role\/etl-\*/);
    // A negated condition pins nothing.
    expect(unknowns(tf({ ...sessionOn("*", { StringNotEquals: { "elasticmapreduce:ExecutionRoleArn": "${aws_iam_role.etl_runtime.arn}" } }), ...emr({ runtime: HARMLESS }) })).join("\n")).toContain("compute reached by elasticmapreduce:GetClusterSessionCredentials on *");
  });
});

/** The red team's GameLift stack: a fleet whose instance role can destroy. */
const gamelift = (fleet: Obj = {}) => ({
  ...role("fleet", policy({ Effect: "Allow", Principal: { Service: "gamelift.amazonaws.com" }, Action: "sts:AssumeRole" }), DESTROY),
  "aws_gamelift_build.b": { name: "server", operating_system: "AMAZON_LINUX_2", storage_location: { bucket: "game-builds", key: "server.zip", role_arn: "${aws_iam_role.fleet.arn}" } },
  "aws_gamelift_fleet.f": { name: "game", build_id: "${aws_gamelift_build.b.id}", ec2_instance_type: "c5.large", instance_role_arn: "${aws_iam_role.fleet.arn}", ...fleet },
});
const containerFleet = { "aws_gamelift_container_fleet.cf": { fleet_role_arn: "${aws_iam_role.fleet.arn}", game_server_container_group_definition_name: "game", instance_type: "c5.large" } };
const access = (action: string | string[], resource: string) => agentCan({ Effect: "Allow", Action: action, Resource: resource });

describe("GameLift GetComputeAccess and GetInstanceAccess", () => {
  test.each(["gamelift:GetComputeAccess", "gamelift:GetInstanceAccess"])("%s on a fleet of the stack is a path to its instance role", (action) => {
    const r = check(tf({ ...access(action, "${aws_gamelift_fleet.f.arn}"), ...gamelift() }));
    const [f] = errors(r, "agent-transitive-destroy");
    expect(f.message).toContain(`aws_iam_role.agent --${action}--> aws_iam_role.fleet`);
    expect(r.findings.filter((x) => x.ruleId === "agent-stored-secret")).toEqual([]);
  });

  test("the controls: a fleet with no instance role, or a harmless one, passes", () => {
    expect(errors(check(tf({ ...access(["gamelift:GetComputeAccess", "gamelift:GetInstanceAccess"], "${aws_gamelift_fleet.f.arn}"), ...gamelift({ instance_role_arn: undefined }) })))).toEqual([]);
    const harmless = { ...gamelift(), "aws_iam_role_policy.fleet": { role: "${aws_iam_role.fleet.name}", policy: HARMLESS } };
    expect(errors(check(tf({ ...access(["gamelift:GetComputeAccess", "gamelift:GetInstanceAccess"], "${aws_gamelift_fleet.f.arn}"), ...harmless })))).toEqual([]);
  });

  test("a container fleet's role is reached by GetComputeAccess; GetInstanceAccess does not take container fleets", () => {
    const stack = { ...gamelift({ instance_role_arn: undefined }), ...containerFleet };
    expect(reached(tf({ ...access("gamelift:GetComputeAccess", "${aws_gamelift_container_fleet.cf.arn}"), ...stack }))).toEqual(["aws_iam_role.fleet"]);
    expect(errors(check(tf({ ...access("gamelift:GetInstanceAccess", "${aws_gamelift_container_fleet.cf.arn}"), ...stack })))).toEqual([]);
  });

  test("fleets outside the stack, and a role blastwall cannot resolve, are unknown", () => {
    const harmless = { ...gamelift(), "aws_iam_role_policy.fleet": { role: "${aws_iam_role.fleet.name}", policy: HARMLESS } };
    for (const r of ["*", "arn:aws:gamelift:us-east-1:111111111111:fleet/fleet-1234"]) {
      expect(unknowns(tf({ ...access("gamelift:GetInstanceAccess", r), ...harmless })).join("\n")).toContain(`compute reached by gamelift:GetInstanceAccess on ${r}`);
    }
    // The step says what the shell is on: a compute of a fleet outside the stack, not "a compute of compute" (red-team round 132, F6).
    const steps = check(tf({ ...access("gamelift:GetComputeAccess", "*"), ...harmless })).findings.flatMap((f) => f.evidence.map((e) => e.detail));
    expect(steps.join("\n")).toContain("lets it get a shell on a compute of a fleet that may lie outside this stack");
    expect(steps.join("\n")).not.toContain("of compute");
    const elsewhere = gamelift({ instance_role_arn: "arn:aws:iam::222222222222:role/game-fleet" });
    expect(unknowns(tf({ ...access("gamelift:GetComputeAccess", "${aws_gamelift_fleet.f.arn}"), ...elsewhere })).join("\n")).toMatch(/the role aws_gamelift_fleet.f runs as, which blastwall cannot resolve/);
  });
});
