/**
 * Red-team round 69: a CodeBuild buildspec judged inline by the name of the function rendering it.
 * - Bypasses: text that renders to an S3 object ARN read as inline: a `data.template_file` whose template is the ARN,
 *   `trimspace(file("bsloc.txt"))`, `trimspace(data.local_file.bs.content)` and a bare `file("bsloc.txt")` (a file
 *   blastwall cannot read, not named as a YAML or JSON document, may hold a location).
 * - False alarms: text built by `replace(file("bs.yml"), ...)`, a local of it, `join("\n", local.lines)` read as `*`,
 *   so any S3 object.
 * Now the value is judged by what it can render to: text visible in the stack (a template, a local, a variable's
 * default as blastwall reads every variable) is that text; a file's content is a document when its name says YAML or
 * JSON, else anything.
 */
import { tf } from "../helpers/tf";
import { agentCan, buildProject, reached } from "../helpers/fetched-sources";

type Obj = Record<string, unknown>;

const ARN = "arn:aws:s3:::libs-bucket/ci/buildspec.yml";

const build = (buildspec: string, extra: Obj = {}): Obj =>
  tf(
    {
      ...agentCan("s3:PutObject", "arn:aws:s3:::libs-bucket/*"),
      "data.local_file.loc": { filename: "bsloc.txt" },
      "data.local_file.bs": { filename: "${path.module}/bs.yml" },
      "data.template_file.arn": { template: ARN },
      "data.template_file.doc": { template: "version: 0.2\nphases:\n  build:\n    commands: [make]\n" },
      "data.template_file.fromfile": { template: '${file("bs.yml")}' },
      ...buildProject({ buildspec }),
    },
    {
      locals: { lines: ["version: 0.2", "phases:", "  build:", "    commands: [make]"], bsr: '${replace(file("bs.yml"), "ENV", "prod")}', arnnl: `${ARN}\n`, one: [ARN] },
      variable: { doc: { type: "string", default: "version: 0.2\nphases: {}\n" } },
      ...extra,
    },
  );

describe("69. a buildspec is judged by what it renders to", () => {
  test("text that renders to an S3 object ARN, or a file that may hold one, is S3 (the red team's bypasses)", () => {
    for (const spec of [
      "${data.template_file.arn.rendered}",
      '${trimspace(file("bsloc.txt"))}',
      "${trimspace(data.local_file.loc.content)}",
      '${file("bsloc.txt")}',
      "${data.local_file.loc.content}",
      "${chomp(local.arnnl)}",
      '${trimspace(file(var.where))}',
    ]) {
      expect([spec, reached(build(spec, { variable: { where: { type: "string" } } }))]).toEqual([spec, ["aws_iam_role.build"]]);
    }
  });

  test("text built by replace, join or format over document text is inline (the red team's false alarms)", () => {
    for (const spec of [
      '${replace(file("bs.yml"), "ENV", "prod")}',
      "${local.bsr}",
      '${join("\\n", local.lines)}',
      '${format("%s\\n%s", "version: 0.2", "phases: {}")}',
      '${indent(2, file("bs.yml"))}',
    ]) {
      expect([spec, reached(build(spec))]).toEqual([spec, []]);
    }
  });

  test("controls: documents stay inline", () => {
    for (const spec of [
      "${data.template_file.doc.rendered}",
      "${data.template_file.fromfile.rendered}",
      '${file("${path.module}/buildspec.yml")}',
      '${trimspace(file("bs.yml"))}',
      '${templatefile("buildspec.yaml.tpl", { env = "prod" })}',
      "${data.local_file.bs.content}",
      '${yamlencode({ version = "0.2" })}',
      '${jsonencode({ version = "0.2" })}',
      "${var.doc}",
      "version: 0.2\nphases:\n  build:\n    commands: [make]\n",
    ]) {
      expect([spec, reached(build(spec))]).toEqual([spec, []]);
    }
  });

  test("controls: a join that may give one line, and a format building the ARN, may be an object", () => {
    for (const spec of ['${join("\\n", local.one)}', '${join("\\n", var.parts)}', '${format("arn:aws:s3:::%s/bs.yml", "libs-bucket")}', '${join("", ["arn:aws:s3:::libs-bucket/", "bs.yml"])}']) {
      expect([spec, reached(build(spec, { variable: { parts: { type: "list(string)" } } }))]).toEqual([spec, ["aws_iam_role.build"]]);
    }
  });
});
