/**
 * Red-team round 66 #7: an EMR cluster names its security configuration by name, which is the configuration of that
 * name in the cluster's own account and region. One of the stack's elsewhere (another provider configuration) is not
 * it; a configuration blastwall cannot read may turn runtime roles on.
 */
import { check, errors, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const RUNTIME_ROLES = JSON.stringify({ AuthorizationConfiguration: { IAMConfiguration: { EnableApplicationScopedIAMRole: true } } });
const OFF = JSON.stringify({ EncryptionConfiguration: { EnableInTransitEncryption: false, EnableAtRestEncryption: false } });
const PROVIDERS = { provider: { aws: [{ region: "us-east-1" }, { alias: "eu", region: "eu-west-1" }] } };

/** A cluster (`cluster` extra) naming a configuration, the stack's configuration `sc` (`config` extra), a runtime role. */
const emr = (cluster: Obj, config: Obj) => ({
  ...agentCan({ Effect: "Allow", Action: "elasticmapreduce:GetClusterSessionCredentials", Resource: "${aws_emr_cluster.c.arn}" }),
  ...role("emr_ec2", policy({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), HARMLESS),
  "aws_iam_instance_profile.emr_ec2": { name: "emr-ec2", role: "${aws_iam_role.emr_ec2.name}" },
  "aws_emr_security_configuration.sc": { name: "sc", configuration: OFF, ...config },
  "aws_emr_cluster.c": {
    name: "analytics",
    release_label: "emr-7.1.0",
    service_role: "arn:aws:iam::111111111111:role/emr-service",
    security_configuration: "sc",
    ec2_attributes: { instance_profile: "${aws_iam_instance_profile.emr_ec2.arn}" },
    ...cluster,
  },
  ...role("runtime", policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.emr_ec2.arn}" }, Action: "sts:AssumeRole" }), DESTROY),
});
const reached = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

describe("66. the security configuration an EMR cluster names", () => {
  test("a literal name read in another region is not the stack's configuration of that name: runtime roles may be on", () => {
    expect(reached(tf(emr({ provider: "aws.eu" }, {}), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
  });

  test("a reference to a configuration made through another provider configuration is not the cluster's either", () => {
    expect(reached(tf(emr({ provider: "aws.eu", security_configuration: "${aws_emr_security_configuration.sc.name}" }, {}), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
  });

  test("the controls: the same place with runtime roles off gives nothing; on, the runtime role", () => {
    expect(reached(tf(emr({}, {}), PROVIDERS))).toEqual([]);
    expect(reached(tf(emr({ provider: "aws.eu" }, { provider: "aws.eu" }), PROVIDERS))).toEqual([]);
    expect(reached(tf(emr({ security_configuration: "${aws_emr_security_configuration.sc.name}" }, {}), PROVIDERS))).toEqual([]);
    expect(reached(tf(emr({}, { configuration: RUNTIME_ROLES }), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
  });

  test("the control: a configuration of the same name in each region, the cluster's own off, gives nothing", () => {
    const { ["aws_emr_security_configuration.sc"]: home, ...rest } = emr({}, {});
    const json = tf({ "aws_emr_security_configuration.sc_eu": { name: "sc", configuration: RUNTIME_ROLES, provider: "aws.eu" }, "aws_emr_security_configuration.sc": home, ...rest }, PROVIDERS);
    expect(reached(json)).toEqual([]);
  });

  test("a configuration blastwall cannot read (a template, a dynamic block, a name it cannot resolve) may turn runtime roles on", () => {
    expect(reached(tf(emr({}, { configuration: "${jsonencode(local.sc)}" }), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
    expect(reached(tf(emr({}, { dynamic: { configuration: { for_each: "${var.x}", content: {} } } }), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
    expect(reached(tf(emr({}, { name: "${var.sc_name}" }), PROVIDERS))).toEqual(["aws_iam_role.runtime"]);
  });
});
