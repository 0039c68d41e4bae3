import { buildStack } from "../../lib/engine/terraform/stack";
import { InputError } from "../../lib/engine/terraform/types";

/** A small cdktf-shaped configuration, written for these tests. */
const synth = {
  "//": { metadata: { backend: "s3", stackName: "prod", version: "0.21.0" }, outputs: {} },
  terraform: {
    backend: { s3: { bucket: "state-bucket", key: "prod.tfstate" } },
    required_providers: { aws: { source: "aws", version: "6.0.0" } },
  },
  provider: { aws: [{ region: "eu-west-1", default_tags: { tags: { team: "platform" } } }, { alias: "us", region: "us-east-1" }] },
  variable: { env: { type: "string", default: "prod" }, token: { type: "string" }, nulldefault: { default: null } },
  locals: { prefix: "${var.env}-app" },
  resource: {
    aws_iam_role: {
      agent: {
        "//": { metadata: { path: "prod/agent/Resource", uniqueId: "agent" } },
        name: "agent",
        assume_role_policy: "${data.aws_iam_policy_document.trust.json}",
      },
    },
    aws_ebs_volume: {
      data: { availability_zone: "eu-west-1a", size: 10, lifecycle: { prevent_destroy: true } },
    },
  },
  data: {
    aws_iam_policy_document: {
      trust: { "//": { metadata: { path: "prod/trust" } }, statement: [{ actions: ["sts:AssumeRole"] }] },
    },
  },
  module: { vpc: { "//": { metadata: { path: "prod/vpc" } }, source: "terraform-aws-modules/vpc/aws", version: "5.0.0" } },
};

describe("buildStack", () => {
  const s = buildStack(synth, "cdk.tf.json");

  test("resources and data sources with addresses, modes, types", () => {
    expect(s.file).toBe("cdk.tf.json");
    expect(s.resources.map((r) => r.address)).toEqual([
      "aws_iam_role.agent",
      "aws_ebs_volume.data",
      "data.aws_iam_policy_document.trust",
    ]);
    const d = s.byAddress.get("data.aws_iam_policy_document.trust")!;
    expect(d.mode).toBe("data");
    expect(d.type).toBe("aws_iam_policy_document");
    expect(d.name).toBe("trust");
    expect(s.byType.get("aws_iam_role")!.map((r) => r.address)).toEqual(["aws_iam_role.agent"]);
  });

  test("construct path from the // metadata, values kept as written (metadata included)", () => {
    const r = s.byAddress.get("aws_iam_role.agent")!;
    expect(r.constructPath).toBe("prod/agent/Resource");
    expect(r.values["name"]).toBe("agent");
    expect(r.values["//"]).toBeDefined();
    expect(s.byAddress.get("aws_ebs_volume.data")!.constructPath).toBeUndefined();
  });

  test("lifecycle block", () => {
    expect(s.byAddress.get("aws_ebs_volume.data")!.lifecycle).toEqual({ prevent_destroy: true });
    expect(s.byAddress.get("aws_iam_role.agent")!.lifecycle).toBeUndefined();
    const arr = buildStack({ resource: { aws_ebs_volume: { v: { lifecycle: [{ prevent_destroy: true }] } } } }, "f");
    expect(arr.byAddress.get("aws_ebs_volume.v")!.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("backend, variables with literal defaults, locals, modules, providers, stack name", () => {
    expect(s.backend).toEqual({ type: "s3", config: { bucket: "state-bucket", key: "prod.tfstate" } });
    expect([...s.variables.entries()]).toEqual([["env", "prod"]]);
    expect(s.locals.get("prefix")).toBe("${var.env}-app");
    expect(s.modules!.map((m) => [m.address, m.source, m.constructPath])).toEqual([["module.vpc", "terraform-aws-modules/vpc/aws", "prod/vpc"]]);
    expect([...s.providers!.keys()]).toEqual(["aws", "aws.us"]);
    // The name scopes acknowledgements: it comes from where the file sits, never from the file's own metadata.
    expect(s.name).toBeUndefined();
    expect(buildStack(synth, "f", "given").name).toBe("given");
    expect(buildStack({ resource: {} }, "f").name).toBeUndefined();
  });

  test("Terraform JSON array forms at every block level", () => {
    const st = buildStack(
      {
        resource: [
          { aws_iam_role: [{ a: { name: "a" } }, { b: [{ name: "b" }] }] },
          { aws_iam_user: { u: { name: "u" } } },
        ],
        data: [{ aws_iam_policy_document: { d: {} } }],
        locals: [{ x: 1 }, { y: 2 }],
        variable: [{ v: { default: "d" } }],
        terraform: [{ required_version: ">= 1.5" }, { backend: [{ local: { path: "x" } }] }],
      },
      "f",
    );
    expect(st.resources.map((r) => r.address)).toEqual(["aws_iam_role.a", "aws_iam_role.b", "aws_iam_user.u", "data.aws_iam_policy_document.d"]);
    expect(st.byAddress.get("aws_iam_role.b")!.values).toEqual({ name: "b" });
    expect(st.locals.get("y")).toBe(2);
    expect(st.variables.get("v")).toBe("d");
    expect(st.backend).toEqual({ type: "local", config: { path: "x" } });
  });

  test("cloud block counts as the backend", () => {
    expect(buildStack({ terraform: { cloud: { organization: "o" } } }, "f").backend).toEqual({ type: "cloud", config: { organization: "o" } });
  });

  test("malformed structure and duplicates are InputErrors", () => {
    expect(() => buildStack([], "f")).toThrow(InputError);
    expect(() => buildStack({ resource: { aws_iam_role: "x" } }, "f")).toThrow("f: resource.aws_iam_role must be an object or an array of objects");
    expect(() => buildStack({ resource: { aws_iam_role: { a: [{}, {}] } } }, "f")).toThrow("aws_iam_role.a is defined more than once");
    expect(() => buildStack({ resource: [{ aws_iam_role: { a: {} } }, { aws_iam_role: { a: {} } }] }, "f")).toThrow(
      "aws_iam_role.a is defined more than once",
    );
    expect(() => buildStack({ resource: { aws_iam_role: { a: 3 } } }, "f")).toThrow(InputError);
  });

  test("20,000 resources build in well under a second", () => {
    const roles: Record<string, unknown> = {};
    const atts: Record<string, unknown> = {};
    for (let i = 0; i < 10000; i++) {
      roles[`r${i}`] = { name: `role-${i}`, "//": { metadata: { path: `s/r${i}` } } };
      atts[`a${i}`] = { role: `\${aws_iam_role.r${i}.name}`, policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" };
    }
    const t0 = Date.now();
    const big = buildStack({ resource: { aws_iam_role: roles, aws_iam_role_policy_attachment: atts } }, "big");
    expect(big.resources.length).toBe(20000);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
