import { readFileSync } from "fs";
import { join } from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/stateful-prevent-destroy";

const TYPES = ["aws_ebs_volume", "aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_efs_file_system", "aws_s3_bucket"];

describe("stateful-prevent-destroy", () => {
  it.each(TYPES)("fails %s without lifecycle.prevent_destroy", (type) => {
    const [f, ...rest] = run(rule, tf({ [`${type}.data`]: {} }));
    expect(rest).toEqual([]);
    expect(f.resource).toBe(`${type}.data`);
    expect(f.message).toContain(`${type}.data has no lifecycle.prevent_destroy`);
    expect(f.message).toContain("Add lifecycle { prevent_destroy = true }");
  });

  it.each(TYPES)("passes %s with prevent_destroy = true", (type) => {
    expect(run(rule, tf({ [`${type}.data`]: { lifecycle: { prevent_destroy: true } } }))).toEqual([]);
  });

  it("fails prevent_destroy = false, reads the array form of lifecycle, and ignores data sources and other types", () => {
    const found = run(
      rule,
      tf({
        "aws_ebs_volume.off": { lifecycle: { prevent_destroy: false } },
        "aws_ebs_volume.arr": { lifecycle: [{ prevent_destroy: true }] },
        "data.aws_s3_bucket.lookup": { bucket: "x" },
        "aws_iam_role.r": { name: "r" },
      }),
    );
    expect(found.map((f) => f.resource)).toEqual(["aws_ebs_volume.off"]);
    expect(found[0].message).toContain("sets lifecycle.prevent_destroy = false");
  });
});

describe("stateful-prevent-destroy on a cdktf stack", () => {
  it("names the construct path from the synthesized metadata", () => {
    const stack = new TerraformStack(new App(), "app");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    new EbsVolume(stack, "Scratch", { availabilityZone: "eu-central-1a", size: 10 });
    const outdir = Testing.fullSynth(stack);
    const [f] = run(rule, JSON.parse(readFileSync(join(outdir, "stacks", "app", "cdk.tf.json"), "utf8")));
    expect(f.message).toMatch(/^aws_ebs_volume\.Scratch \(construct app\/Scratch\) has no lifecycle\.prevent_destroy/);
    expect(f.constructPath).toBe("app/Scratch");
  });
});
