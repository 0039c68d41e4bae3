/**
 * plan-stack-template-drops-data and its neighbours, red-team round 60: CloudFormation templates judged as the
 * Terraform resources they stand for.
 */
import { specReplacing } from "../../lib/plan/cfn-replacing";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { PROTECTED_TYPES } from "../../lib/plan/protected";
import { readPlan } from "../../lib/plan/read-plan";
import { PROTECTED_TWINS, STATEFUL } from "../../lib/plan/rules/stack-template-changed";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const run = (changes: Obj[]) => evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(minimalPlan(changes)))), { config: {} }).judged.map((j) => j.finding);
const judged = (changes: Obj[]) => run(changes).map((f) => `${f.ruleId} ${f.resource}`);
const tpl = (resources: Obj, extra: Obj = {}) => JSON.stringify({ Resources: resources, ...extra });
const stack = (before: string, after: string, params: [Obj, Obj] = [{}, {}], type = "aws_cloudformation_stack") =>
  change(`${type}.app`, ["update"], { name: "app", template_body: before, parameters: params[0] }, { name: "app", template_body: after, parameters: params[1] });
const BLOCKED = ["plan-stack-template-drops-data aws_cloudformation_stack.app"];
const TOPIC = { Type: "AWS::SNS::Topic" };

describe("RT60-4: every type protected as a Terraform resource has a CloudFormation twin that counts when it leaves a template", () => {
  const awsTypes = [...PROTECTED_TYPES.keys()].filter((t) => t.startsWith("aws_"));

  test("each protected aws_ type has twins or a written reason for having none", () => {
    const missing = awsTypes.filter((t) => {
      const twin = PROTECTED_TWINS[t];
      return twin === undefined || (typeof twin === "string" ? twin.length < 20 : twin.length === 0);
    });
    expect(missing).toEqual([]);
  });

  test("the table names no type the gate does not protect (a stale entry would hide a missing one)", () => {
    expect(Object.keys(PROTECTED_TWINS).filter((t) => !PROTECTED_TYPES.has(t))).toEqual([]);
  });

  const twins = [...new Set(Object.values(PROTECTED_TWINS).flatMap((t) => (typeof t === "string" ? [] : t)))];

  test("each twin is a CloudFormation type the resource schemas know (a misspelt one would protect nothing)", () => {
    expect(twins.filter((t) => specReplacing(t) === undefined)).toEqual([]);
    expect(twins.filter((t) => !STATEFUL.has(t))).toEqual([]);
  });

  test.each(twins)("dropping %s from a template blocks", (type) => {
    expect(judged([stack(tpl({ R: { Type: type, DeletionPolicy: "Delete", Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))])).toEqual(BLOCKED);
  });

  test.each(["AWS::Organizations::Policy", "AWS::Rbin::Rule", "AWS::DLM::LifecyclePolicy", "AWS::FSx::Snapshot", "AWS::ACMPCA::CertificateAuthority", "AWS::DirectoryService::MicrosoftAD", "AWS::DirectoryService::SimpleAD", "AWS::GuardDuty::Detector", "AWS::ECR::PublicRepository"])(
    "the red team's case: dropping %s names it and why CloudFormation deletes it",
    (type) => {
      const [f] = run([stack(tpl({ R: { Type: type, Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))]);
      expect(f.message).toContain(`R (${type}) is dropped with DeletionPolicy "Delete", so CloudFormation deletes it`);
    },
  );

  test("the controls: the same types kept by DeletionPolicy Retain, and a topic or an ElastiCache cluster (not protected in Terraform either), pass", () => {
    expect(judged([stack(tpl({ R: { Type: "AWS::Organizations::Policy", DeletionPolicy: "Retain", Properties: {} }, T: TOPIC }), tpl({ T: TOPIC }))])).toEqual([]);
    expect(judged([stack(tpl({ C: { Type: "AWS::ElastiCache::CacheCluster", Properties: {} }, T: TOPIC }), tpl({}))])).toEqual([]);
  });
});
