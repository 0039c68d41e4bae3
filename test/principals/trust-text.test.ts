import { trustMayAdmitService, trustMayNamePrincipals } from "../../lib/engine/principals/collect";

// The reach search skips parsing trusts these say cannot matter: a wrong "no" would hide a path.
const trust = (principal: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra }] });

describe("trust text prefilters", () => {
  it("a literal trust of other services alone admits neither principals nor this service", () => {
    const lambda = trust({ Service: "lambda.amazonaws.com" });
    expect(trustMayNamePrincipals(lambda)).toBe(false);
    expect(trustMayAdmitService(lambda, "rolesanywhere.amazonaws.com")).toBe(false);
  });

  it("names the service in any case", () => {
    expect(trustMayAdmitService(trust({ Service: ["lambda.amazonaws.com", "RolesAnywhere.amazonaws.com"] }), "rolesanywhere.amazonaws.com")).toBe(true);
  });

  it("a wildcard anywhere, a reference, an escape or a principal other than a service is parsed", () => {
    expect(trustMayAdmitService(trust({ Service: "*.amazonaws.com" }), "rolesanywhere.amazonaws.com")).toBe(true);
    expect(trustMayAdmitService(trust({ Service: "${var.service}" }), "rolesanywhere.amazonaws.com")).toBe(true);
    expect(trustMayAdmitService(trust({ Service: "rolesanywhere\\u002eamazonaws.com" }), "rolesanywhere.amazonaws.com")).toBe(true);
    expect(trustMayAdmitService(trust({ Service: "lambda.amazonaws.com", Federated: "cognito-identity.amazonaws.com" }), "rolesanywhere.amazonaws.com")).toBe(true);
    expect(trustMayAdmitService(trust("*"), "rolesanywhere.amazonaws.com")).toBe(true);
    expect(trustMayAdmitService({ Statement: [] }, "rolesanywhere.amazonaws.com")).toBe(true);
  });
});
