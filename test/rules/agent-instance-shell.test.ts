/**
 * Red-team round 84: a shell or command right on an instance wipes the volumes attached to it (`dd`, `mkfs`,
 * `rm -rf` as root) with no AWS delete call: the README's volume-wipe incident. The instance's role may be harmless.
 */
import { checkPaths } from "../../lib/check/run-check";
import { agentRules } from "../../lib/rules";
import { check, stackWith } from "./agent-instance-shell.fixtures";
import { dir } from "../hcl/helpers";
import { HCL_AGENT } from "../helpers/hcl-stacks";

const shells = (json: Record<string, unknown>, strict = false) =>
  check(json, {}, { strict })
    .findings.filter((f) => f.ruleId === "agent-instance-shell")
    .map((f) => ({ severity: f.severity, resource: f.resource, actions: [...f.actions], message: f.message }));

const VOLUME = {
  "aws_ebs_volume.pgdata": { availability_zone: "eu-central-1a", size: 500, lifecycle: { prevent_destroy: true } },
  "aws_volume_attachment.pgdata": { device_name: "/dev/sdf", volume_id: "${aws_ebs_volume.pgdata.id}", instance_id: "${aws_instance.db.id}" },
};
const WEB = { "aws_instance.web": { ami: "ami-1", instance_type: "t3.micro" } };

describe("84. shell and command rights on an instance wipe its volumes", () => {
  test("StartSession and SendCommand on an instance with an attached data volume: an error naming the instance, the volume, the statement and the chain", () => {
    const found = shells(stackWith(["ssm:StartSession", "ssm:SendCommand"], ["${aws_instance.db.arn}"], VOLUME));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", resource: "aws_instance.db", actions: ["ssm:StartSession", "ssm:SendCommand"] });
    expect(found[0].message).toContain("aws_ebs_volume.pgdata (aws_volume_attachment.pgdata at /dev/sdf)");
    expect(found[0].message).toContain("aws_iam_role_policy.agent statement");
    expect(found[0].message).toContain("aws_iam_role.agent --ssm:StartSession--> aws_instance.db --shell--> aws_ebs_volume.pgdata");
  });

  test("the instance connect and serial console keys are shells too", () => {
    for (const a of ["ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey"]) {
      expect(shells(stackWith([a], ["${aws_instance.db.arn}"], VOLUME)).map((f) => [f.severity, f.resource])).toEqual([["error", "aws_instance.db"]]);
    }
  });

  test("a non-root ebs_block_device or an instance store is a data volume", () => {
    const ebs = shells(stackWith(["ssm:StartSession"], ["${aws_instance.db.arn}"], {}, { ebs_block_device: [{ device_name: "/dev/sdg", volume_size: 100 }] }));
    expect(ebs.map((f) => f.severity)).toEqual(["error"]);
    expect(ebs[0].message).toContain("aws_instance.db (ebs_block_device /dev/sdg)");
    const store = shells(stackWith(["ssm:StartSession"], ["${aws_instance.db.arn}"], {}, { ephemeral_block_device: [{ device_name: "/dev/sdb", virtual_name: "ephemeral0" }] }));
    expect(store.map((f) => f.severity)).toEqual(["error"]);
  });

  test("an attachment to an instance blastwall cannot resolve may be on any instance: fail closed", () => {
    const json = stackWith(["ssm:StartSession"], ["${aws_instance.db.arn}"], { ...VOLUME, "aws_volume_attachment.pgdata": { ...VOLUME["aws_volume_attachment.pgdata"], instance_id: "${var.instance}" } });
    expect(shells(json).map((f) => f.severity)).toEqual(["error"]);
  });

  test("only the root volume in reach: a warning that says so, an error under --strict", () => {
    const found = shells(stackWith(["ssm:StartSession"], ["${aws_instance.web.arn}"], { ...VOLUME, ...WEB }));
    expect(found.map((f) => [f.severity, f.resource])).toEqual([["warning", "aws_instance.web"]]);
    expect(found[0].message).toMatch(/root volume/);
    expect(shells(stackWith(["ssm:StartSession"], ["${aws_instance.web.arn}"], { ...VOLUME, ...WEB }), true).map((f) => f.severity)).toEqual(["error"]);
  });

  test("a wildcard in a stack with data volumes: each instance, and instances outside the stack, as errors", () => {
    const found = shells(stackWith(["ssm:StartSession"], ["*"], { ...VOLUME, ...WEB }));
    expect(found.map((f) => [f.severity, f.resource]).sort()).toEqual([["error", "aws_iam_role_policy.agent"], ["error", "aws_instance.db"], ["warning", "aws_instance.web"]]);
    expect(found.find((f) => f.resource === "aws_iam_role_policy.agent")!.message).toMatch(/instances blastwall cannot enumerate.*aws_ebs_volume\.pgdata/);
    // An instance ID written by hand may be the stack's instance, whose id AWS picks.
    expect(shells(stackWith(["ssm:SendCommand"], ["arn:aws:ec2:eu-central-1:111111111111:instance/i-0abc"], { ...VOLUME })).map((f) => [f.severity, f.resource])).toEqual([["error", "aws_instance.db"]]);
  });

  test("a wildcard over an Auto Scaling group's template with a data device: an error", () => {
    const json = stackWith(["ssm:StartSession"], ["arn:aws:ec2:*:*:instance/*"], {
      "aws_launch_template.db": { image_id: "ami-1", block_device_mappings: [{ device_name: "/dev/xvda", ebs: [{ volume_size: 20 }] }, { device_name: "/dev/sdf", ebs: [{ volume_size: 500 }] }] },
    });
    const found = shells(json).filter((f) => f.resource === "aws_iam_role_policy.agent");
    expect(found.map((f) => f.severity)).toEqual(["error"]);
    expect(found[0].message).toContain("aws_launch_template.db (block_device_mappings /dev/sdf)");
  });

  test("a wildcard in a stack without data volumes: a warning for the instances outside it", () => {
    const json = stackWith(["ssm:StartSession"], ["*"], { "aws_launch_template.web": { image_id: "ami-1", block_device_mappings: [{ device_name: "/dev/xvda", ebs: [{ volume_size: 20 }] }] } });
    expect(shells(json).map((f) => [f.severity, f.resource]).sort()).toEqual([["warning", "aws_iam_role_policy.agent"], ["warning", "aws_instance.db"]]);
  });

  test("State Manager on a document picks instances by their targets: every instance", () => {
    const found = shells(stackWith(["ssm:CreateAssociation"], ["arn:aws:ssm:eu-central-1::document/AWS-RunShellScript"], VOLUME));
    expect(found.map((f) => [f.severity, f.resource]).sort()).toEqual([["error", "aws_iam_role_policy.agent"], ["error", "aws_instance.db"]]);
  });

  test("the controls: a session document alone, a SendCommand document alone, another instance's volume, no shell right", () => {
    expect(shells(stackWith(["ssm:StartSession"], ["arn:aws:ssm:eu-central-1:111111111111:document/SSM-SessionManagerRunShell"], VOLUME))).toEqual([]);
    expect(shells(stackWith(["ssm:SendCommand"], ["arn:aws:ssm:eu-central-1::document/AWS-RunShellScript"], VOLUME))).toEqual([]);
    expect(shells(stackWith(["ssm:StartSession"], ["${aws_instance.web.arn}"], { ...VOLUME, ...WEB })).filter((f) => f.severity === "error")).toEqual([]);
    expect(shells(stackWith(["ssm:DescribeInstanceInformation", "ec2:DescribeVolumes"], ["*"], VOLUME))).toEqual([]);
  });
});

describe("84. through HCL, the red team's stack", () => {
  const files = (action: string) => ({
    "main.tf": `
${HCL_AGENT}resource "aws_iam_role" "ec2" {
  name               = "app-instance"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.ec2.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
resource "aws_iam_instance_profile" "ec2" {
  name = "app-instance"
  role = aws_iam_role.ec2.name
}
resource "aws_instance" "db" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "m6i.large"
  iam_instance_profile = aws_iam_instance_profile.ec2.name
}
resource "aws_ebs_volume" "pgdata" {
  availability_zone = "eu-central-1a"
  size              = 500
  lifecycle { prevent_destroy = true }
}
resource "aws_volume_attachment" "pgdata" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.pgdata.id
  instance_id = aws_instance.db.id
}
resource "aws_iam_role_policy" "agent" {
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["${action}"], Resource = [aws_instance.db.arn, "arn:aws:ssm:eu-central-1:111111111111:document/SSM-SessionManagerRunShell"] }] })
}
`,
  });

  test.each(["ec2-instance-connect:SendSSHPublicKey", "ssm:StartSession", "ssm:SendCommand"])("%s on the database instance is an error; no compute outside the stack", async (action) => {
    const r = await checkPaths([dir(files(action))], { config: {}, rules: agentRules });
    const shell = r.findings.filter((f) => f.ruleId === "agent-instance-shell");
    expect(shell.map((f) => [f.severity, f.resource])).toEqual([["error", "aws_instance.db"]]);
    expect(shell[0].message).toContain(`aws_iam_role.agent --${action}--> aws_instance.db --shell--> aws_ebs_volume.pgdata`);
    expect(r.findings.filter((f) => f.ruleId === "agent-reach-unknown")).toEqual([]);
  });
});

describe("84. a shell of a principal the agent can come to act as", () => {
  const opsTrust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "${aws_iam_role.agent.arn}" }, Action: "sts:AssumeRole" }] });
  const viaOps = (instance: string, extra: Record<string, Record<string, unknown>>) => {
    const json = stackWith(["sts:AssumeRole"], ["${aws_iam_role.ops.arn}"], {
      "aws_iam_role.ops": { name: "ops", assume_role_policy: opsTrust },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: instance }] }) },
      ...extra,
    });
    return check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-instance-shell");
  };

  test("a role with a shell on an instance with a data volume is a chain to a destroy right", () => {
    const found = viaOps("${aws_instance.db.arn}", VOLUME);
    expect(found.map((f) => [f.ruleId, f.severity, f.resource])).toEqual([["agent-transitive-destroy", "error", "aws_iam_role.ops"]]);
    expect(found[0].message).toContain("can open a shell or run commands on aws_instance.db (ssm:StartSession) and so wipe the data volumes there with no AWS delete call: aws_ebs_volume.pgdata");
  });

  test("the control: a role with a shell on an instance with its root volume only is no chain", () => {
    expect(viaOps("${aws_instance.web.arn}", { ...VOLUME, ...WEB })).toEqual([]);
  });
});

describe("85. adding instances to a maintenance window that runs commands", () => {
  const WINDOW = {
    "aws_ssm_maintenance_window.w": { name: "w", schedule: "rate(1 hour)", duration: 2, cutoff: 1 },
    "aws_ssm_document.d": { name: "d", document_type: "Command", content: "{}" },
  };
  const task = (type: string, windowId = "${aws_ssm_maintenance_window.w.id}") => ({
    "aws_ssm_maintenance_window_task.t": { window_id: windowId, task_type: type, task_arn: "${aws_ssm_document.d.name}", targets: [{ key: "WindowTargetIds", values: ["x"] }] },
  });
  const ACTIONS = ["ssm:RegisterTargetWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTarget"];

  test("a window of the stack with a Run Command or Automation task runs it on whatever instances the agent adds: the data instance is in reach", () => {
    for (const type of ["RUN_COMMAND", "AUTOMATION"]) {
      for (const a of ACTIONS) {
        const found = shells(stackWith([a], ["${aws_ssm_maintenance_window.w.arn}"], { ...VOLUME, ...WINDOW, ...task(type) }));
        expect([type, a, found.map((f) => [f.severity, f.resource]).sort()]).toEqual([type, a, [["error", "aws_iam_role_policy.agent"], ["error", "aws_instance.db"]]]);
      }
    }
  });

  test("a window outside the stack may have such a task: fail closed", () => {
    const found = shells(stackWith(["ssm:RegisterTargetWithMaintenanceWindow"], ["arn:aws:ssm:eu-central-1:111111111111:maintenancewindow/*"], { ...VOLUME }));
    expect(found.map((f) => f.severity)).toContain("error");
  });

  test("control: a window whose only task is a Lambda, or a right on a document rather than a window, reaches no instance", () => {
    expect(shells(stackWith(["ssm:RegisterTargetWithMaintenanceWindow"], ["${aws_ssm_maintenance_window.w.arn}"], { ...VOLUME, ...WINDOW, ...task("LAMBDA") }))).toEqual([]);
    expect(shells(stackWith(["ssm:RegisterTargetWithMaintenanceWindow"], ["arn:aws:ssm:eu-central-1:111111111111:document/d"], { ...VOLUME, ...WINDOW, ...task("RUN_COMMAND") }))).toEqual([]);
  });
});

test("85. a spot instance request's non-root device is a data volume an instance outside the stack holds", () => {
  const spot = { "aws_spot_instance_request.s": { ami: "ami-1", instance_type: "t3.micro", spot_price: "0.01", ebs_block_device: [{ device_name: "/dev/sdf", volume_size: 500 }] } };
  // The finding about instances outside the stack names the statement; the stack's own instance (root volume only) has its own.
  const outside = (json: Record<string, unknown>) => shells(json).filter((f) => f.resource === "aws_iam_role_policy.agent");
  const found = outside(stackWith(["ssm:StartSession"], ["arn:aws:ec2:eu-central-1:111111111111:instance/*"], spot));
  expect(found.map((f) => f.severity)).toEqual(["error"]);
  expect(found[0].message).toContain("aws_spot_instance_request.s (ebs_block_device /dev/sdf)");
  // Without the device, only root volumes are certain there: a warning.
  const bare = outside(stackWith(["ssm:StartSession"], ["arn:aws:ec2:eu-central-1:111111111111:instance/*"], { "aws_spot_instance_request.s": { ami: "ami-1", instance_type: "t3.micro" } }));
  expect(bare.map((f) => f.severity)).toEqual(["warning"]);
});

test("86. a spot fleet's launch specification and an EMR cluster's EBS configuration give their instances data disks", () => {
  const outside = (json: Record<string, unknown>) => shells(json).filter((f) => f.resource === "aws_iam_role_policy.agent");
  const wildcard = ["arn:aws:ec2:eu-central-1:111111111111:instance/*"];
  const fleet = { "aws_spot_fleet_request.f": { iam_fleet_role: "arn:aws:iam::111111111111:role/fleet", target_capacity: 1, launch_specification: [{ instance_type: "m5.large", ami: "ami-1", ebs_block_device: [{ device_name: "/dev/sdf", volume_size: 500 }] }] } };
  const emr = { "aws_emr_cluster.c": { name: "c", release_label: "emr-7.0.0", service_role: "emr", core_instance_group: [{ instance_type: "m5.xlarge", ebs_config: [{ size: 500, type: "gp3" }] }] } };
  expect(outside(stackWith(["ssm:StartSession"], wildcard, fleet)).map((f) => [f.severity, f.message.includes("aws_spot_fleet_request.f (ebs_block_device /dev/sdf)")])).toEqual([["error", true]]);
  expect(outside(stackWith(["ssm:StartSession"], wildcard, emr)).map((f) => [f.severity, f.message.includes("aws_emr_cluster.c (ebs_config 500 GiB)")])).toEqual([["error", true]]);
  // Controls: a fleet and a cluster without data disks leave root volumes only.
  const bareFleet = { "aws_spot_fleet_request.f": { iam_fleet_role: "r", target_capacity: 1, launch_specification: [{ instance_type: "m5.large", ami: "ami-1" }] } };
  const bareEmr = { "aws_emr_cluster.c": { name: "c", release_label: "emr-7.0.0", service_role: "emr", core_instance_group: [{ instance_type: "m5.xlarge" }] } };
  expect(outside(stackWith(["ssm:StartSession"], wildcard, { ...bareFleet, ...bareEmr })).map((f) => f.severity)).toEqual(["warning"]);
});
