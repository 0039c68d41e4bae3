import { tf } from "../helpers/tf";
import { run } from "./helpers";
import { rule } from "../../lib/rules/rds-final-snapshot";

describe("rds-final-snapshot", () => {
  it("fails skip_final_snapshot = true on an instance and a cluster", () => {
    const found = run(rule, tf({ "aws_db_instance.a": { skip_final_snapshot: true }, "aws_rds_cluster.b": { skip_final_snapshot: "true" } }));
    expect(found).toHaveLength(2);
    expect(found[0].message).toContain("sets skip_final_snapshot = true: a destroy would leave no final snapshot");
  });

  it("fails closed on a variable", () => {
    const [f] = run(rule, tf({ "aws_db_instance.a": { skip_final_snapshot: "${var.skip}" } }, { variable: { skip: {} } }));
    expect(f.message).toContain("a variable (no default)");
  });

  it("passes unset and false, and skips read replicas (they cannot take a final snapshot)", () => {
    const json = tf({
      "aws_db_instance.a": { final_snapshot_identifier: "a-final" },
      "aws_db_instance.b": { skip_final_snapshot: false, final_snapshot_identifier: "b-final" },
      "aws_db_instance.replica": { replicate_source_db: "a", skip_final_snapshot: true },
    });
    expect(run(rule, json)).toEqual([]);
  });
});
