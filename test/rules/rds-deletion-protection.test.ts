import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/rds-deletion-protection";

const db = (extra: Record<string, unknown> = {}) => ({ identifier: "orders", engine: "postgres", instance_class: "db.t4g.micro", ...extra });

describe("rds-deletion-protection", () => {
  it("fails an instance that leaves deletion_protection unset, naming the provider default", () => {
    const [f, ...rest] = run(rule, tf({ "aws_db_instance.orders": db() }));
    expect(rest).toHaveLength(0);
    expect(f.resource).toBe("aws_db_instance.orders");
    expect(f.principal).toBe("aws_db_instance.orders");
    expect(f.actions).toEqual([]);
    expect(f.message).toContain("aws_db_instance.orders does not set deletion_protection (the provider default is false)");
    expect(f.message).toContain("Set deletion_protection = true");
  });

  it("fails false on an instance and unset on an Aurora cluster", () => {
    const found = run(rule, tf({ "aws_db_instance.a": db({ deletion_protection: false }), "aws_rds_cluster.b": { cluster_identifier: "b", engine: "aurora-postgresql" } }));
    expect(found.map((f) => f.resource).sort()).toEqual(["aws_db_instance.a", "aws_rds_cluster.b"]);
    expect(found.find((f) => f.resource === "aws_db_instance.a")!.message).toContain("sets deletion_protection = false");
  });

  it("fails closed on a variable (it can be overridden at apply time) and says so", () => {
    const json = tf({ "aws_db_instance.a": db({ deletion_protection: "${var.protect}" }) }, { variable: { protect: { default: true } } });
    const [f] = run(rule, json);
    expect(f.message).toContain("`${var.protect}`, a variable (default true) that -var or a tfvars file can set to anything");
    expect(f.message).toContain("counts as not set");
  });

  it("passes true, \"true\" and a literal local", () => {
    const json = tf(
      { "aws_db_instance.a": db({ deletion_protection: true }), "aws_db_instance.b": db({ deletion_protection: "true" }), "aws_rds_cluster.c": { engine: "aurora-mysql", deletion_protection: "${local.protect}" } },
      { locals: { protect: true } },
    );
    expect(run(rule, json)).toEqual([]);
  });

  it("names the construct path when the cdktf metadata has one", () => {
    const [f] = run(rule, tf({ "aws_db_instance.a": db({ "//": { metadata: { path: "app/Db/Instance" } } }) }));
    expect(f.message).toContain("aws_db_instance.a (construct app/Db/Instance)");
    expect(f.constructPath).toBe("app/Db/Instance");
  });
});
