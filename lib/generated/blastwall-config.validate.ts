// @ts-nocheck
/* eslint-disable */
/**
 * This file was generated from policies/blastwall-config.schema.json by scripts/generate-validator.ts (ajv standalone).
 * Generated, do not edit: change the schema and run `npm run build && npm run gen`.
 */

import type { ErrorObject } from "ajv";
import type { BlastwallConfig } from "./blastwall-config";

/** ajv's ValidateFunction shape: after a failed call, `errors` holds the first problem (verbose, with parentSchema and data). */
export interface BlastwallConfigValidator {
  (data: unknown): data is BlastwallConfig;
  errors?: ErrorObject[] | null;
}

export const validateUntyped = validate10;
const schema11 = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://github.com/blastwall/blastwall/policies/blastwall-config.schema.json",
  title: "BlastwallConfig",
  description:
    "blastwall.json: which principals are AI agents, which findings to relax, which ones are accepted and why.",
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    agents: {
      title: "AgentSelector",
      description: 'Principals that count as AI agents, in addition to those tagged `blastwall:agent = "true"`.',
      type: "object",
      additionalProperties: false,
      properties: {
        addresses: {
          description: "Exact Terraform addresses, e.g. `aws_iam_role.agent`.",
          type: "array",
          items: { type: "string", minLength: 1 },
        },
        names: {
          description:
            "Glob patterns (`*`, `?`) matched against the IAM name of the role or user, regardless of case (IAM names are unique regardless of case), e.g. `ai-*`; also against roles and users outside the stack that it names (a policy attached by name, a trust or resource policy naming an ARN). A name, not an ARN or path: IAM role and user names and Identity Center permission set names hold only letters, digits and `_+=,.@-`, so an entry with `/` or `:` (or a blank) could match no principal and is refused.",
          type: "array",
          items: { type: "string", minLength: 1, pattern: "^[A-Za-z0-9_+=,.@*?-]+$" },
        },
        tags: {
          description: "Tags that mark a principal as an agent: every listed key must be present with the given value.",
          type: "object",
          additionalProperties: { type: "string" },
        },
      },
    },
    severity: {
      description: "Per-rule severity override; `off` drops the rule's findings.",
      type: "object",
      additionalProperties: { type: "string", enum: ["error", "warning", "off"] },
    },
    acknowledgements: {
      description: "Findings accepted on purpose. An acknowledged finding is reported but no longer fails the gate.",
      type: "array",
      items: {
        title: "ConfigAcknowledgement",
        type: "object",
        additionalProperties: false,
        required: ["ruleId", "principal", "reason"],
        properties: {
          ruleId: { description: "The rule id the finding carries.", type: "string", minLength: 1 },
          principal: {
            description:
              "Exact Terraform address of the principal (or resource) the finding is about; wildcards are not accepted.",
            type: "string",
            minLength: 1,
            pattern: "^[^*?]+$",
          },
          reason: {
            description:
              "Who accepted what and why, in at least 10 visible characters. A placeholder is refused: a code marker such as `TODO:`, `lorem ipsum`, or no real word (only filler such as `reason here`, `fix later please`, or one letter repeated).",
            type: "string",
            minLength: 10,
          },
          expires: {
            description:
              "Date (YYYY-MM-DD, valid through that day, UTC) or date-time after which the acknowledgement no longer holds.",
            type: "string",
          },
          actions: {
            description:
              "The actions accepted: IAM action names or globs (`ec2:DeleteSnapshot`, `ec2:Delete*`), case-insensitive. A finding is covered only when every action it reports is one of them, so a destroy right added after the review fails the gate again. Without it, or with `*` in the list (which every action matches), the acknowledgement accepts whatever the rule reports for the principal, now and later.",
            type: "array",
            minItems: 1,
            items: { type: "string", pattern: "^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$" },
          },
          resource: {
            description:
              "Exact Terraform address of the finding's `resource` (the policy, statement holder or reached principal it names) the acknowledgement is limited to; wildcards are not accepted.",
            type: "string",
            minLength: 1,
            pattern: "^[^*?]+$",
          },
          grants: {
            description:
              "The finding's `grants` digest (16 hex digits, as the report shows it) the acknowledgement was reviewed for: it covers the finding only while what decides it still hashes to it: the statements that grant it (their effect, actions, resources, principals and conditions), the principal's permission boundary and Denies, its provider's account and region, and the blocks an unresolved reference names; for a finding about a thing, that thing (a module call: its source, version and inputs). A condition dropped, a Resource widened, a Deny or boundary weakened or another policy granting the same right gives another digest, and the finding fails again, naming both. Without it, the acknowledgement holds whatever grants the finding, and an `acknowledgement-unpinned` warning gives the digest to add.",
            type: "string",
            pattern: "^[0-9a-f]{16}$",
          },
          stack: {
            description:
              "The stack the acknowledgement is for: the cdktf stack name (the NAME of cdktf.out/stacks/NAME). Without it, the acknowledgement holds in every stack checked together, and a warning says so when it covers findings in more than one, because stacks built from the same code share Terraform addresses (staging and prod).",
            type: "string",
            minLength: 1,
          },
        },
      },
    },
    acknowledgementsInCode: {
      description:
        'Whether acknowledgements written in the checked configuration count: cdktf `acknowledge()` calls, and `"//": { "blastwall": { "acknowledgements": [...] } }` blocks in any `*.tf.json` (an override file included). Stack code is what an AI agent edits, so by default (false) they cover nothing: the findings they name stay errors and say which block carried them. Set it to true only when the stack code gets the same protected review as this file (CODEOWNERS).',
      type: "boolean",
    },
    strict: {
      description: "Warnings that can hide a path (unknown secret contents, unresolved references) become errors.",
      type: "boolean",
    },
    protected: {
      title: "ProtectedSelector",
      description:
        "Resources that hold data which must survive, in addition to the data-bearing types blastwall knows. `blastwall check` (and the synth-time checks) require lifecycle.prevent_destroy on each; an AWS Backup selection that covers it where AWS Backup can back up its type (one whose AWS Backup support blastwall does not know counts as not covered, and the finding says so); deletion protection on DocumentDB and Neptune clusters and a final snapshot on those and Redshift clusters. `blastwall gate` blocks their destroy and forget. An entry that matches no resource gets a note naming near matches.",
      type: "object",
      additionalProperties: false,
      properties: {
        addresses: {
          description:
            "Terraform addresses (case-sensitive; `*` globs), e.g. `aws_db_instance.main`. An address covers its instances (`x[0]`, `x[\"k\"]`) and, for a module, everything in it: `blastwall gate` blocks the destroy of every resource in a listed module. `blastwall check` reads blocks: there an entry naming one instance covers its whole block; and a module address or a glob has check judge only the types it knows to hold data (the built-in ones and those whose AWS Backup support it knows), not a module's security, subnet or parameter groups; list a resource's own address (or its type in `types`) to have check judge it whatever its type.",
          type: "array",
          items: { type: "string", minLength: 1 },
        },
        types: {
          description:
            "Terraform resource types (case-sensitive; `*` globs), e.g. `aws_docdb_cluster`, `aws_elasticache_*`. `blastwall check` judges every type listed exactly; through a glob, only the types it knows to hold data, as for module addresses.",
          type: "array",
          items: { type: "string", minLength: 1 },
        },
      },
    },
    organisationIssuers: {
      description:
        "OpenID Connect issuers (their URLs, e.g. `https://acme.okta.com/oauth2/default`) that give tokens to your organisation's own people or workloads alone. blastwall reads an issuer it does not know by its shape (an Entra tenant by its id, an EKS cluster, a GitHub Enterprise...) as one that may give a token to anyone who signs up, since it cannot see the issuer's sign-up policy; listing an issuer here makes blastwall trust that policy on your word, wherever an issuer is judged: a JWT or OpenID Connect authorizer (API Gateway, AppSync, an ALB authenticate-oidc action, an AgentCore gateway), an identity pool's OpenID Connect provider and a user pool's OIDC identity provider. List only an issuer where no one outside the organisation can get an account (self-service registration off, no social or guest sign-in). Each entry matches one issuer exactly, after `https://` and trailing slashes are dropped and case is folded: no prefix or wildcard (`*`, `?`, `${...}`). An issuer that gives a token to anyone whatever its owner sets (accounts.google.com, the bare GitHub Actions issuer, Microsoft's common endpoints, a Cognito user pool's issuer) is refused.",
      type: "array",
      items: { type: "string", minLength: 1, pattern: "^(https://)?[^\\s*?$/][^\\s*?$]*$" },
    },
    trustedKeys: {
      description: "Public keys (PEM) or key files whose signatures `blastwall gate` accepts on approvals.",
      type: "array",
      items: { type: "string", minLength: 1 },
    },
  },
};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9_+=,.@*?-]+$", "u");
const pattern1 = new RegExp("^[^*?]+$", "u");
const pattern2 = new RegExp("^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$", "u");
const pattern4 = new RegExp("^[0-9a-f]{16}$", "u");
const pattern5 = new RegExp("^(https://)?[^\\s*?$/][^\\s*?$]*$", "u");
function validate10(data, { instancePath = "", parentData, parentDataProperty, rootData = data } = {}) {
  /*# sourceURL="https://github.com/blastwall/blastwall/policies/blastwall-config.schema.json" */ let vErrors = null;
  let errors = 0;
  if (errors === 0) {
    if (data && typeof data == "object" && !Array.isArray(data)) {
      const _errs1 = errors;
      for (const key0 in data) {
        if (!func2.call(schema11.properties, key0)) {
          validate10.errors = [
            {
              instancePath,
              schemaPath: "#/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key0 },
              message: "must NOT have additional properties",
              schema: false,
              parentSchema: schema11,
              data,
            },
          ];
          return false;
          break;
        }
      }
      if (_errs1 === errors) {
        if (data.$schema !== undefined) {
          let data0 = data.$schema;
          const _errs2 = errors;
          if (typeof data0 !== "string") {
            validate10.errors = [
              {
                instancePath: instancePath + "/$schema",
                schemaPath: "#/properties/%24schema/type",
                keyword: "type",
                params: { type: "string" },
                message: "must be string",
                schema: schema11.properties.$schema.type,
                parentSchema: schema11.properties.$schema,
                data: data0,
              },
            ];
            return false;
          }
          var valid0 = _errs2 === errors;
        } else {
          var valid0 = true;
        }
        if (valid0) {
          if (data.agents !== undefined) {
            let data1 = data.agents;
            const _errs4 = errors;
            if (errors === _errs4) {
              if (data1 && typeof data1 == "object" && !Array.isArray(data1)) {
                const _errs6 = errors;
                for (const key1 in data1) {
                  if (!(key1 === "addresses" || key1 === "names" || key1 === "tags")) {
                    validate10.errors = [
                      {
                        instancePath: instancePath + "/agents",
                        schemaPath: "#/properties/agents/additionalProperties",
                        keyword: "additionalProperties",
                        params: { additionalProperty: key1 },
                        message: "must NOT have additional properties",
                        schema: false,
                        parentSchema: schema11.properties.agents,
                        data: data1,
                      },
                    ];
                    return false;
                    break;
                  }
                }
                if (_errs6 === errors) {
                  if (data1.addresses !== undefined) {
                    let data2 = data1.addresses;
                    const _errs7 = errors;
                    if (errors === _errs7) {
                      if (Array.isArray(data2)) {
                        var valid2 = true;
                        const len0 = data2.length;
                        for (let i0 = 0; i0 < len0; i0++) {
                          let data3 = data2[i0];
                          const _errs9 = errors;
                          if (errors === _errs9) {
                            if (typeof data3 === "string") {
                              if (func3(data3) < 1) {
                                validate10.errors = [
                                  {
                                    instancePath: instancePath + "/agents/addresses/" + i0,
                                    schemaPath: "#/properties/agents/properties/addresses/items/minLength",
                                    keyword: "minLength",
                                    params: { limit: 1 },
                                    message: "must NOT have fewer than 1 characters",
                                    schema: 1,
                                    parentSchema: schema11.properties.agents.properties.addresses.items,
                                    data: data3,
                                  },
                                ];
                                return false;
                              }
                            } else {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + "/agents/addresses/" + i0,
                                  schemaPath: "#/properties/agents/properties/addresses/items/type",
                                  keyword: "type",
                                  params: { type: "string" },
                                  message: "must be string",
                                  schema: schema11.properties.agents.properties.addresses.items.type,
                                  parentSchema: schema11.properties.agents.properties.addresses.items,
                                  data: data3,
                                },
                              ];
                              return false;
                            }
                          }
                          var valid2 = _errs9 === errors;
                          if (!valid2) {
                            break;
                          }
                        }
                      } else {
                        validate10.errors = [
                          {
                            instancePath: instancePath + "/agents/addresses",
                            schemaPath: "#/properties/agents/properties/addresses/type",
                            keyword: "type",
                            params: { type: "array" },
                            message: "must be array",
                            schema: schema11.properties.agents.properties.addresses.type,
                            parentSchema: schema11.properties.agents.properties.addresses,
                            data: data2,
                          },
                        ];
                        return false;
                      }
                    }
                    var valid1 = _errs7 === errors;
                  } else {
                    var valid1 = true;
                  }
                  if (valid1) {
                    if (data1.names !== undefined) {
                      let data4 = data1.names;
                      const _errs11 = errors;
                      if (errors === _errs11) {
                        if (Array.isArray(data4)) {
                          var valid3 = true;
                          const len1 = data4.length;
                          for (let i1 = 0; i1 < len1; i1++) {
                            let data5 = data4[i1];
                            const _errs13 = errors;
                            if (errors === _errs13) {
                              if (typeof data5 === "string") {
                                if (func3(data5) < 1) {
                                  validate10.errors = [
                                    {
                                      instancePath: instancePath + "/agents/names/" + i1,
                                      schemaPath: "#/properties/agents/properties/names/items/minLength",
                                      keyword: "minLength",
                                      params: { limit: 1 },
                                      message: "must NOT have fewer than 1 characters",
                                      schema: 1,
                                      parentSchema: schema11.properties.agents.properties.names.items,
                                      data: data5,
                                    },
                                  ];
                                  return false;
                                } else {
                                  if (!pattern0.test(data5)) {
                                    validate10.errors = [
                                      {
                                        instancePath: instancePath + "/agents/names/" + i1,
                                        schemaPath: "#/properties/agents/properties/names/items/pattern",
                                        keyword: "pattern",
                                        params: { pattern: "^[A-Za-z0-9_+=,.@*?-]+$" },
                                        message: 'must match pattern "' + "^[A-Za-z0-9_+=,.@*?-]+$" + '"',
                                        schema: "^[A-Za-z0-9_+=,.@*?-]+$",
                                        parentSchema: schema11.properties.agents.properties.names.items,
                                        data: data5,
                                      },
                                    ];
                                    return false;
                                  }
                                }
                              } else {
                                validate10.errors = [
                                  {
                                    instancePath: instancePath + "/agents/names/" + i1,
                                    schemaPath: "#/properties/agents/properties/names/items/type",
                                    keyword: "type",
                                    params: { type: "string" },
                                    message: "must be string",
                                    schema: schema11.properties.agents.properties.names.items.type,
                                    parentSchema: schema11.properties.agents.properties.names.items,
                                    data: data5,
                                  },
                                ];
                                return false;
                              }
                            }
                            var valid3 = _errs13 === errors;
                            if (!valid3) {
                              break;
                            }
                          }
                        } else {
                          validate10.errors = [
                            {
                              instancePath: instancePath + "/agents/names",
                              schemaPath: "#/properties/agents/properties/names/type",
                              keyword: "type",
                              params: { type: "array" },
                              message: "must be array",
                              schema: schema11.properties.agents.properties.names.type,
                              parentSchema: schema11.properties.agents.properties.names,
                              data: data4,
                            },
                          ];
                          return false;
                        }
                      }
                      var valid1 = _errs11 === errors;
                    } else {
                      var valid1 = true;
                    }
                    if (valid1) {
                      if (data1.tags !== undefined) {
                        let data6 = data1.tags;
                        const _errs15 = errors;
                        if (errors === _errs15) {
                          if (data6 && typeof data6 == "object" && !Array.isArray(data6)) {
                            for (const key2 in data6) {
                              let data7 = data6[key2];
                              const _errs18 = errors;
                              if (typeof data7 !== "string") {
                                validate10.errors = [
                                  {
                                    instancePath:
                                      instancePath + "/agents/tags/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),
                                    schemaPath: "#/properties/agents/properties/tags/additionalProperties/type",
                                    keyword: "type",
                                    params: { type: "string" },
                                    message: "must be string",
                                    schema: schema11.properties.agents.properties.tags.additionalProperties.type,
                                    parentSchema: schema11.properties.agents.properties.tags.additionalProperties,
                                    data: data7,
                                  },
                                ];
                                return false;
                              }
                              var valid4 = _errs18 === errors;
                              if (!valid4) {
                                break;
                              }
                            }
                          } else {
                            validate10.errors = [
                              {
                                instancePath: instancePath + "/agents/tags",
                                schemaPath: "#/properties/agents/properties/tags/type",
                                keyword: "type",
                                params: { type: "object" },
                                message: "must be object",
                                schema: schema11.properties.agents.properties.tags.type,
                                parentSchema: schema11.properties.agents.properties.tags,
                                data: data6,
                              },
                            ];
                            return false;
                          }
                        }
                        var valid1 = _errs15 === errors;
                      } else {
                        var valid1 = true;
                      }
                    }
                  }
                }
              } else {
                validate10.errors = [
                  {
                    instancePath: instancePath + "/agents",
                    schemaPath: "#/properties/agents/type",
                    keyword: "type",
                    params: { type: "object" },
                    message: "must be object",
                    schema: schema11.properties.agents.type,
                    parentSchema: schema11.properties.agents,
                    data: data1,
                  },
                ];
                return false;
              }
            }
            var valid0 = _errs4 === errors;
          } else {
            var valid0 = true;
          }
          if (valid0) {
            if (data.severity !== undefined) {
              let data8 = data.severity;
              const _errs20 = errors;
              if (errors === _errs20) {
                if (data8 && typeof data8 == "object" && !Array.isArray(data8)) {
                  for (const key3 in data8) {
                    let data9 = data8[key3];
                    const _errs23 = errors;
                    if (typeof data9 !== "string") {
                      validate10.errors = [
                        {
                          instancePath: instancePath + "/severity/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),
                          schemaPath: "#/properties/severity/additionalProperties/type",
                          keyword: "type",
                          params: { type: "string" },
                          message: "must be string",
                          schema: schema11.properties.severity.additionalProperties.type,
                          parentSchema: schema11.properties.severity.additionalProperties,
                          data: data9,
                        },
                      ];
                      return false;
                    }
                    if (!(data9 === "error" || data9 === "warning" || data9 === "off")) {
                      validate10.errors = [
                        {
                          instancePath: instancePath + "/severity/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),
                          schemaPath: "#/properties/severity/additionalProperties/enum",
                          keyword: "enum",
                          params: { allowedValues: schema11.properties.severity.additionalProperties.enum },
                          message: "must be equal to one of the allowed values",
                          schema: schema11.properties.severity.additionalProperties.enum,
                          parentSchema: schema11.properties.severity.additionalProperties,
                          data: data9,
                        },
                      ];
                      return false;
                    }
                    var valid5 = _errs23 === errors;
                    if (!valid5) {
                      break;
                    }
                  }
                } else {
                  validate10.errors = [
                    {
                      instancePath: instancePath + "/severity",
                      schemaPath: "#/properties/severity/type",
                      keyword: "type",
                      params: { type: "object" },
                      message: "must be object",
                      schema: schema11.properties.severity.type,
                      parentSchema: schema11.properties.severity,
                      data: data8,
                    },
                  ];
                  return false;
                }
              }
              var valid0 = _errs20 === errors;
            } else {
              var valid0 = true;
            }
            if (valid0) {
              if (data.acknowledgements !== undefined) {
                let data10 = data.acknowledgements;
                const _errs25 = errors;
                if (errors === _errs25) {
                  if (Array.isArray(data10)) {
                    var valid6 = true;
                    const len2 = data10.length;
                    for (let i2 = 0; i2 < len2; i2++) {
                      let data11 = data10[i2];
                      const _errs27 = errors;
                      if (errors === _errs27) {
                        if (data11 && typeof data11 == "object" && !Array.isArray(data11)) {
                          let missing0;
                          if (
                            (data11.ruleId === undefined && (missing0 = "ruleId")) ||
                            (data11.principal === undefined && (missing0 = "principal")) ||
                            (data11.reason === undefined && (missing0 = "reason"))
                          ) {
                            validate10.errors = [
                              {
                                instancePath: instancePath + "/acknowledgements/" + i2,
                                schemaPath: "#/properties/acknowledgements/items/required",
                                keyword: "required",
                                params: { missingProperty: missing0 },
                                message: "must have required property '" + missing0 + "'",
                                schema: schema11.properties.acknowledgements.items.required,
                                parentSchema: schema11.properties.acknowledgements.items,
                                data: data11,
                              },
                            ];
                            return false;
                          } else {
                            const _errs29 = errors;
                            for (const key4 in data11) {
                              if (!(
                                key4 === "ruleId" ||
                                key4 === "principal" ||
                                key4 === "reason" ||
                                key4 === "expires" ||
                                key4 === "actions" ||
                                key4 === "resource" ||
                                key4 === "grants" ||
                                key4 === "stack"
                              )) {
                                validate10.errors = [
                                  {
                                    instancePath: instancePath + "/acknowledgements/" + i2,
                                    schemaPath: "#/properties/acknowledgements/items/additionalProperties",
                                    keyword: "additionalProperties",
                                    params: { additionalProperty: key4 },
                                    message: "must NOT have additional properties",
                                    schema: false,
                                    parentSchema: schema11.properties.acknowledgements.items,
                                    data: data11,
                                  },
                                ];
                                return false;
                                break;
                              }
                            }
                            if (_errs29 === errors) {
                              if (data11.ruleId !== undefined) {
                                let data12 = data11.ruleId;
                                const _errs30 = errors;
                                if (errors === _errs30) {
                                  if (typeof data12 === "string") {
                                    if (func3(data12) < 1) {
                                      validate10.errors = [
                                        {
                                          instancePath: instancePath + "/acknowledgements/" + i2 + "/ruleId",
                                          schemaPath: "#/properties/acknowledgements/items/properties/ruleId/minLength",
                                          keyword: "minLength",
                                          params: { limit: 1 },
                                          message: "must NOT have fewer than 1 characters",
                                          schema: 1,
                                          parentSchema: schema11.properties.acknowledgements.items.properties.ruleId,
                                          data: data12,
                                        },
                                      ];
                                      return false;
                                    }
                                  } else {
                                    validate10.errors = [
                                      {
                                        instancePath: instancePath + "/acknowledgements/" + i2 + "/ruleId",
                                        schemaPath: "#/properties/acknowledgements/items/properties/ruleId/type",
                                        keyword: "type",
                                        params: { type: "string" },
                                        message: "must be string",
                                        schema: schema11.properties.acknowledgements.items.properties.ruleId.type,
                                        parentSchema: schema11.properties.acknowledgements.items.properties.ruleId,
                                        data: data12,
                                      },
                                    ];
                                    return false;
                                  }
                                }
                                var valid7 = _errs30 === errors;
                              } else {
                                var valid7 = true;
                              }
                              if (valid7) {
                                if (data11.principal !== undefined) {
                                  let data13 = data11.principal;
                                  const _errs32 = errors;
                                  if (errors === _errs32) {
                                    if (typeof data13 === "string") {
                                      if (func3(data13) < 1) {
                                        validate10.errors = [
                                          {
                                            instancePath: instancePath + "/acknowledgements/" + i2 + "/principal",
                                            schemaPath:
                                              "#/properties/acknowledgements/items/properties/principal/minLength",
                                            keyword: "minLength",
                                            params: { limit: 1 },
                                            message: "must NOT have fewer than 1 characters",
                                            schema: 1,
                                            parentSchema:
                                              schema11.properties.acknowledgements.items.properties.principal,
                                            data: data13,
                                          },
                                        ];
                                        return false;
                                      } else {
                                        if (!pattern1.test(data13)) {
                                          validate10.errors = [
                                            {
                                              instancePath: instancePath + "/acknowledgements/" + i2 + "/principal",
                                              schemaPath:
                                                "#/properties/acknowledgements/items/properties/principal/pattern",
                                              keyword: "pattern",
                                              params: { pattern: "^[^*?]+$" },
                                              message: 'must match pattern "' + "^[^*?]+$" + '"',
                                              schema: "^[^*?]+$",
                                              parentSchema:
                                                schema11.properties.acknowledgements.items.properties.principal,
                                              data: data13,
                                            },
                                          ];
                                          return false;
                                        }
                                      }
                                    } else {
                                      validate10.errors = [
                                        {
                                          instancePath: instancePath + "/acknowledgements/" + i2 + "/principal",
                                          schemaPath: "#/properties/acknowledgements/items/properties/principal/type",
                                          keyword: "type",
                                          params: { type: "string" },
                                          message: "must be string",
                                          schema: schema11.properties.acknowledgements.items.properties.principal.type,
                                          parentSchema: schema11.properties.acknowledgements.items.properties.principal,
                                          data: data13,
                                        },
                                      ];
                                      return false;
                                    }
                                  }
                                  var valid7 = _errs32 === errors;
                                } else {
                                  var valid7 = true;
                                }
                                if (valid7) {
                                  if (data11.reason !== undefined) {
                                    let data14 = data11.reason;
                                    const _errs34 = errors;
                                    if (errors === _errs34) {
                                      if (typeof data14 === "string") {
                                        if (func3(data14) < 10) {
                                          validate10.errors = [
                                            {
                                              instancePath: instancePath + "/acknowledgements/" + i2 + "/reason",
                                              schemaPath:
                                                "#/properties/acknowledgements/items/properties/reason/minLength",
                                              keyword: "minLength",
                                              params: { limit: 10 },
                                              message: "must NOT have fewer than 10 characters",
                                              schema: 10,
                                              parentSchema:
                                                schema11.properties.acknowledgements.items.properties.reason,
                                              data: data14,
                                            },
                                          ];
                                          return false;
                                        }
                                      } else {
                                        validate10.errors = [
                                          {
                                            instancePath: instancePath + "/acknowledgements/" + i2 + "/reason",
                                            schemaPath: "#/properties/acknowledgements/items/properties/reason/type",
                                            keyword: "type",
                                            params: { type: "string" },
                                            message: "must be string",
                                            schema: schema11.properties.acknowledgements.items.properties.reason.type,
                                            parentSchema: schema11.properties.acknowledgements.items.properties.reason,
                                            data: data14,
                                          },
                                        ];
                                        return false;
                                      }
                                    }
                                    var valid7 = _errs34 === errors;
                                  } else {
                                    var valid7 = true;
                                  }
                                  if (valid7) {
                                    if (data11.expires !== undefined) {
                                      let data15 = data11.expires;
                                      const _errs36 = errors;
                                      if (typeof data15 !== "string") {
                                        validate10.errors = [
                                          {
                                            instancePath: instancePath + "/acknowledgements/" + i2 + "/expires",
                                            schemaPath: "#/properties/acknowledgements/items/properties/expires/type",
                                            keyword: "type",
                                            params: { type: "string" },
                                            message: "must be string",
                                            schema: schema11.properties.acknowledgements.items.properties.expires.type,
                                            parentSchema: schema11.properties.acknowledgements.items.properties.expires,
                                            data: data15,
                                          },
                                        ];
                                        return false;
                                      }
                                      var valid7 = _errs36 === errors;
                                    } else {
                                      var valid7 = true;
                                    }
                                    if (valid7) {
                                      if (data11.actions !== undefined) {
                                        let data16 = data11.actions;
                                        const _errs38 = errors;
                                        if (errors === _errs38) {
                                          if (Array.isArray(data16)) {
                                            if (data16.length < 1) {
                                              validate10.errors = [
                                                {
                                                  instancePath: instancePath + "/acknowledgements/" + i2 + "/actions",
                                                  schemaPath:
                                                    "#/properties/acknowledgements/items/properties/actions/minItems",
                                                  keyword: "minItems",
                                                  params: { limit: 1 },
                                                  message: "must NOT have fewer than 1 items",
                                                  schema: 1,
                                                  parentSchema:
                                                    schema11.properties.acknowledgements.items.properties.actions,
                                                  data: data16,
                                                },
                                              ];
                                              return false;
                                            } else {
                                              var valid8 = true;
                                              const len3 = data16.length;
                                              for (let i3 = 0; i3 < len3; i3++) {
                                                let data17 = data16[i3];
                                                const _errs40 = errors;
                                                if (errors === _errs40) {
                                                  if (typeof data17 === "string") {
                                                    if (!pattern2.test(data17)) {
                                                      validate10.errors = [
                                                        {
                                                          instancePath:
                                                            instancePath + "/acknowledgements/" + i2 + "/actions/" + i3,
                                                          schemaPath:
                                                            "#/properties/acknowledgements/items/properties/actions/items/pattern",
                                                          keyword: "pattern",
                                                          params: { pattern: "^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$" },
                                                          message:
                                                            'must match pattern "' +
                                                            "^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$" +
                                                            '"',
                                                          schema: "^(\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$",
                                                          parentSchema:
                                                            schema11.properties.acknowledgements.items.properties
                                                              .actions.items,
                                                          data: data17,
                                                        },
                                                      ];
                                                      return false;
                                                    }
                                                  } else {
                                                    validate10.errors = [
                                                      {
                                                        instancePath:
                                                          instancePath + "/acknowledgements/" + i2 + "/actions/" + i3,
                                                        schemaPath:
                                                          "#/properties/acknowledgements/items/properties/actions/items/type",
                                                        keyword: "type",
                                                        params: { type: "string" },
                                                        message: "must be string",
                                                        schema:
                                                          schema11.properties.acknowledgements.items.properties.actions
                                                            .items.type,
                                                        parentSchema:
                                                          schema11.properties.acknowledgements.items.properties.actions
                                                            .items,
                                                        data: data17,
                                                      },
                                                    ];
                                                    return false;
                                                  }
                                                }
                                                var valid8 = _errs40 === errors;
                                                if (!valid8) {
                                                  break;
                                                }
                                              }
                                            }
                                          } else {
                                            validate10.errors = [
                                              {
                                                instancePath: instancePath + "/acknowledgements/" + i2 + "/actions",
                                                schemaPath:
                                                  "#/properties/acknowledgements/items/properties/actions/type",
                                                keyword: "type",
                                                params: { type: "array" },
                                                message: "must be array",
                                                schema:
                                                  schema11.properties.acknowledgements.items.properties.actions.type,
                                                parentSchema:
                                                  schema11.properties.acknowledgements.items.properties.actions,
                                                data: data16,
                                              },
                                            ];
                                            return false;
                                          }
                                        }
                                        var valid7 = _errs38 === errors;
                                      } else {
                                        var valid7 = true;
                                      }
                                      if (valid7) {
                                        if (data11.resource !== undefined) {
                                          let data18 = data11.resource;
                                          const _errs42 = errors;
                                          if (errors === _errs42) {
                                            if (typeof data18 === "string") {
                                              if (func3(data18) < 1) {
                                                validate10.errors = [
                                                  {
                                                    instancePath:
                                                      instancePath + "/acknowledgements/" + i2 + "/resource",
                                                    schemaPath:
                                                      "#/properties/acknowledgements/items/properties/resource/minLength",
                                                    keyword: "minLength",
                                                    params: { limit: 1 },
                                                    message: "must NOT have fewer than 1 characters",
                                                    schema: 1,
                                                    parentSchema:
                                                      schema11.properties.acknowledgements.items.properties.resource,
                                                    data: data18,
                                                  },
                                                ];
                                                return false;
                                              } else {
                                                if (!pattern1.test(data18)) {
                                                  validate10.errors = [
                                                    {
                                                      instancePath:
                                                        instancePath + "/acknowledgements/" + i2 + "/resource",
                                                      schemaPath:
                                                        "#/properties/acknowledgements/items/properties/resource/pattern",
                                                      keyword: "pattern",
                                                      params: { pattern: "^[^*?]+$" },
                                                      message: 'must match pattern "' + "^[^*?]+$" + '"',
                                                      schema: "^[^*?]+$",
                                                      parentSchema:
                                                        schema11.properties.acknowledgements.items.properties.resource,
                                                      data: data18,
                                                    },
                                                  ];
                                                  return false;
                                                }
                                              }
                                            } else {
                                              validate10.errors = [
                                                {
                                                  instancePath: instancePath + "/acknowledgements/" + i2 + "/resource",
                                                  schemaPath:
                                                    "#/properties/acknowledgements/items/properties/resource/type",
                                                  keyword: "type",
                                                  params: { type: "string" },
                                                  message: "must be string",
                                                  schema:
                                                    schema11.properties.acknowledgements.items.properties.resource.type,
                                                  parentSchema:
                                                    schema11.properties.acknowledgements.items.properties.resource,
                                                  data: data18,
                                                },
                                              ];
                                              return false;
                                            }
                                          }
                                          var valid7 = _errs42 === errors;
                                        } else {
                                          var valid7 = true;
                                        }
                                        if (valid7) {
                                          if (data11.grants !== undefined) {
                                            let data19 = data11.grants;
                                            const _errs44 = errors;
                                            if (errors === _errs44) {
                                              if (typeof data19 === "string") {
                                                if (!pattern4.test(data19)) {
                                                  validate10.errors = [
                                                    {
                                                      instancePath:
                                                        instancePath + "/acknowledgements/" + i2 + "/grants",
                                                      schemaPath:
                                                        "#/properties/acknowledgements/items/properties/grants/pattern",
                                                      keyword: "pattern",
                                                      params: { pattern: "^[0-9a-f]{16}$" },
                                                      message: 'must match pattern "' + "^[0-9a-f]{16}$" + '"',
                                                      schema: "^[0-9a-f]{16}$",
                                                      parentSchema:
                                                        schema11.properties.acknowledgements.items.properties.grants,
                                                      data: data19,
                                                    },
                                                  ];
                                                  return false;
                                                }
                                              } else {
                                                validate10.errors = [
                                                  {
                                                    instancePath: instancePath + "/acknowledgements/" + i2 + "/grants",
                                                    schemaPath:
                                                      "#/properties/acknowledgements/items/properties/grants/type",
                                                    keyword: "type",
                                                    params: { type: "string" },
                                                    message: "must be string",
                                                    schema:
                                                      schema11.properties.acknowledgements.items.properties.grants.type,
                                                    parentSchema:
                                                      schema11.properties.acknowledgements.items.properties.grants,
                                                    data: data19,
                                                  },
                                                ];
                                                return false;
                                              }
                                            }
                                            var valid7 = _errs44 === errors;
                                          } else {
                                            var valid7 = true;
                                          }
                                          if (valid7) {
                                            if (data11.stack !== undefined) {
                                              let data20 = data11.stack;
                                              const _errs46 = errors;
                                              if (errors === _errs46) {
                                                if (typeof data20 === "string") {
                                                  if (func3(data20) < 1) {
                                                    validate10.errors = [
                                                      {
                                                        instancePath:
                                                          instancePath + "/acknowledgements/" + i2 + "/stack",
                                                        schemaPath:
                                                          "#/properties/acknowledgements/items/properties/stack/minLength",
                                                        keyword: "minLength",
                                                        params: { limit: 1 },
                                                        message: "must NOT have fewer than 1 characters",
                                                        schema: 1,
                                                        parentSchema:
                                                          schema11.properties.acknowledgements.items.properties.stack,
                                                        data: data20,
                                                      },
                                                    ];
                                                    return false;
                                                  }
                                                } else {
                                                  validate10.errors = [
                                                    {
                                                      instancePath: instancePath + "/acknowledgements/" + i2 + "/stack",
                                                      schemaPath:
                                                        "#/properties/acknowledgements/items/properties/stack/type",
                                                      keyword: "type",
                                                      params: { type: "string" },
                                                      message: "must be string",
                                                      schema:
                                                        schema11.properties.acknowledgements.items.properties.stack
                                                          .type,
                                                      parentSchema:
                                                        schema11.properties.acknowledgements.items.properties.stack,
                                                      data: data20,
                                                    },
                                                  ];
                                                  return false;
                                                }
                                              }
                                              var valid7 = _errs46 === errors;
                                            } else {
                                              var valid7 = true;
                                            }
                                          }
                                        }
                                      }
                                    }
                                  }
                                }
                              }
                            }
                          }
                        } else {
                          validate10.errors = [
                            {
                              instancePath: instancePath + "/acknowledgements/" + i2,
                              schemaPath: "#/properties/acknowledgements/items/type",
                              keyword: "type",
                              params: { type: "object" },
                              message: "must be object",
                              schema: schema11.properties.acknowledgements.items.type,
                              parentSchema: schema11.properties.acknowledgements.items,
                              data: data11,
                            },
                          ];
                          return false;
                        }
                      }
                      var valid6 = _errs27 === errors;
                      if (!valid6) {
                        break;
                      }
                    }
                  } else {
                    validate10.errors = [
                      {
                        instancePath: instancePath + "/acknowledgements",
                        schemaPath: "#/properties/acknowledgements/type",
                        keyword: "type",
                        params: { type: "array" },
                        message: "must be array",
                        schema: schema11.properties.acknowledgements.type,
                        parentSchema: schema11.properties.acknowledgements,
                        data: data10,
                      },
                    ];
                    return false;
                  }
                }
                var valid0 = _errs25 === errors;
              } else {
                var valid0 = true;
              }
              if (valid0) {
                if (data.acknowledgementsInCode !== undefined) {
                  let data21 = data.acknowledgementsInCode;
                  const _errs48 = errors;
                  if (typeof data21 !== "boolean") {
                    validate10.errors = [
                      {
                        instancePath: instancePath + "/acknowledgementsInCode",
                        schemaPath: "#/properties/acknowledgementsInCode/type",
                        keyword: "type",
                        params: { type: "boolean" },
                        message: "must be boolean",
                        schema: schema11.properties.acknowledgementsInCode.type,
                        parentSchema: schema11.properties.acknowledgementsInCode,
                        data: data21,
                      },
                    ];
                    return false;
                  }
                  var valid0 = _errs48 === errors;
                } else {
                  var valid0 = true;
                }
                if (valid0) {
                  if (data.strict !== undefined) {
                    let data22 = data.strict;
                    const _errs50 = errors;
                    if (typeof data22 !== "boolean") {
                      validate10.errors = [
                        {
                          instancePath: instancePath + "/strict",
                          schemaPath: "#/properties/strict/type",
                          keyword: "type",
                          params: { type: "boolean" },
                          message: "must be boolean",
                          schema: schema11.properties.strict.type,
                          parentSchema: schema11.properties.strict,
                          data: data22,
                        },
                      ];
                      return false;
                    }
                    var valid0 = _errs50 === errors;
                  } else {
                    var valid0 = true;
                  }
                  if (valid0) {
                    if (data.protected !== undefined) {
                      let data23 = data.protected;
                      const _errs52 = errors;
                      if (errors === _errs52) {
                        if (data23 && typeof data23 == "object" && !Array.isArray(data23)) {
                          const _errs54 = errors;
                          for (const key5 in data23) {
                            if (!(key5 === "addresses" || key5 === "types")) {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + "/protected",
                                  schemaPath: "#/properties/protected/additionalProperties",
                                  keyword: "additionalProperties",
                                  params: { additionalProperty: key5 },
                                  message: "must NOT have additional properties",
                                  schema: false,
                                  parentSchema: schema11.properties.protected,
                                  data: data23,
                                },
                              ];
                              return false;
                              break;
                            }
                          }
                          if (_errs54 === errors) {
                            if (data23.addresses !== undefined) {
                              let data24 = data23.addresses;
                              const _errs55 = errors;
                              if (errors === _errs55) {
                                if (Array.isArray(data24)) {
                                  var valid10 = true;
                                  const len4 = data24.length;
                                  for (let i4 = 0; i4 < len4; i4++) {
                                    let data25 = data24[i4];
                                    const _errs57 = errors;
                                    if (errors === _errs57) {
                                      if (typeof data25 === "string") {
                                        if (func3(data25) < 1) {
                                          validate10.errors = [
                                            {
                                              instancePath: instancePath + "/protected/addresses/" + i4,
                                              schemaPath: "#/properties/protected/properties/addresses/items/minLength",
                                              keyword: "minLength",
                                              params: { limit: 1 },
                                              message: "must NOT have fewer than 1 characters",
                                              schema: 1,
                                              parentSchema: schema11.properties.protected.properties.addresses.items,
                                              data: data25,
                                            },
                                          ];
                                          return false;
                                        }
                                      } else {
                                        validate10.errors = [
                                          {
                                            instancePath: instancePath + "/protected/addresses/" + i4,
                                            schemaPath: "#/properties/protected/properties/addresses/items/type",
                                            keyword: "type",
                                            params: { type: "string" },
                                            message: "must be string",
                                            schema: schema11.properties.protected.properties.addresses.items.type,
                                            parentSchema: schema11.properties.protected.properties.addresses.items,
                                            data: data25,
                                          },
                                        ];
                                        return false;
                                      }
                                    }
                                    var valid10 = _errs57 === errors;
                                    if (!valid10) {
                                      break;
                                    }
                                  }
                                } else {
                                  validate10.errors = [
                                    {
                                      instancePath: instancePath + "/protected/addresses",
                                      schemaPath: "#/properties/protected/properties/addresses/type",
                                      keyword: "type",
                                      params: { type: "array" },
                                      message: "must be array",
                                      schema: schema11.properties.protected.properties.addresses.type,
                                      parentSchema: schema11.properties.protected.properties.addresses,
                                      data: data24,
                                    },
                                  ];
                                  return false;
                                }
                              }
                              var valid9 = _errs55 === errors;
                            } else {
                              var valid9 = true;
                            }
                            if (valid9) {
                              if (data23.types !== undefined) {
                                let data26 = data23.types;
                                const _errs59 = errors;
                                if (errors === _errs59) {
                                  if (Array.isArray(data26)) {
                                    var valid11 = true;
                                    const len5 = data26.length;
                                    for (let i5 = 0; i5 < len5; i5++) {
                                      let data27 = data26[i5];
                                      const _errs61 = errors;
                                      if (errors === _errs61) {
                                        if (typeof data27 === "string") {
                                          if (func3(data27) < 1) {
                                            validate10.errors = [
                                              {
                                                instancePath: instancePath + "/protected/types/" + i5,
                                                schemaPath: "#/properties/protected/properties/types/items/minLength",
                                                keyword: "minLength",
                                                params: { limit: 1 },
                                                message: "must NOT have fewer than 1 characters",
                                                schema: 1,
                                                parentSchema: schema11.properties.protected.properties.types.items,
                                                data: data27,
                                              },
                                            ];
                                            return false;
                                          }
                                        } else {
                                          validate10.errors = [
                                            {
                                              instancePath: instancePath + "/protected/types/" + i5,
                                              schemaPath: "#/properties/protected/properties/types/items/type",
                                              keyword: "type",
                                              params: { type: "string" },
                                              message: "must be string",
                                              schema: schema11.properties.protected.properties.types.items.type,
                                              parentSchema: schema11.properties.protected.properties.types.items,
                                              data: data27,
                                            },
                                          ];
                                          return false;
                                        }
                                      }
                                      var valid11 = _errs61 === errors;
                                      if (!valid11) {
                                        break;
                                      }
                                    }
                                  } else {
                                    validate10.errors = [
                                      {
                                        instancePath: instancePath + "/protected/types",
                                        schemaPath: "#/properties/protected/properties/types/type",
                                        keyword: "type",
                                        params: { type: "array" },
                                        message: "must be array",
                                        schema: schema11.properties.protected.properties.types.type,
                                        parentSchema: schema11.properties.protected.properties.types,
                                        data: data26,
                                      },
                                    ];
                                    return false;
                                  }
                                }
                                var valid9 = _errs59 === errors;
                              } else {
                                var valid9 = true;
                              }
                            }
                          }
                        } else {
                          validate10.errors = [
                            {
                              instancePath: instancePath + "/protected",
                              schemaPath: "#/properties/protected/type",
                              keyword: "type",
                              params: { type: "object" },
                              message: "must be object",
                              schema: schema11.properties.protected.type,
                              parentSchema: schema11.properties.protected,
                              data: data23,
                            },
                          ];
                          return false;
                        }
                      }
                      var valid0 = _errs52 === errors;
                    } else {
                      var valid0 = true;
                    }
                    if (valid0) {
                      if (data.organisationIssuers !== undefined) {
                        let data28 = data.organisationIssuers;
                        const _errs63 = errors;
                        if (errors === _errs63) {
                          if (Array.isArray(data28)) {
                            var valid12 = true;
                            const len6 = data28.length;
                            for (let i6 = 0; i6 < len6; i6++) {
                              let data29 = data28[i6];
                              const _errs65 = errors;
                              if (errors === _errs65) {
                                if (typeof data29 === "string") {
                                  if (func3(data29) < 1) {
                                    validate10.errors = [
                                      {
                                        instancePath: instancePath + "/organisationIssuers/" + i6,
                                        schemaPath: "#/properties/organisationIssuers/items/minLength",
                                        keyword: "minLength",
                                        params: { limit: 1 },
                                        message: "must NOT have fewer than 1 characters",
                                        schema: 1,
                                        parentSchema: schema11.properties.organisationIssuers.items,
                                        data: data29,
                                      },
                                    ];
                                    return false;
                                  } else {
                                    if (!pattern5.test(data29)) {
                                      validate10.errors = [
                                        {
                                          instancePath: instancePath + "/organisationIssuers/" + i6,
                                          schemaPath: "#/properties/organisationIssuers/items/pattern",
                                          keyword: "pattern",
                                          params: { pattern: "^(https://)?[^\\s*?$/][^\\s*?$]*$" },
                                          message: 'must match pattern "' + "^(https://)?[^\\s*?$/][^\\s*?$]*$" + '"',
                                          schema: "^(https://)?[^\\s*?$/][^\\s*?$]*$",
                                          parentSchema: schema11.properties.organisationIssuers.items,
                                          data: data29,
                                        },
                                      ];
                                      return false;
                                    }
                                  }
                                } else {
                                  validate10.errors = [
                                    {
                                      instancePath: instancePath + "/organisationIssuers/" + i6,
                                      schemaPath: "#/properties/organisationIssuers/items/type",
                                      keyword: "type",
                                      params: { type: "string" },
                                      message: "must be string",
                                      schema: schema11.properties.organisationIssuers.items.type,
                                      parentSchema: schema11.properties.organisationIssuers.items,
                                      data: data29,
                                    },
                                  ];
                                  return false;
                                }
                              }
                              var valid12 = _errs65 === errors;
                              if (!valid12) {
                                break;
                              }
                            }
                          } else {
                            validate10.errors = [
                              {
                                instancePath: instancePath + "/organisationIssuers",
                                schemaPath: "#/properties/organisationIssuers/type",
                                keyword: "type",
                                params: { type: "array" },
                                message: "must be array",
                                schema: schema11.properties.organisationIssuers.type,
                                parentSchema: schema11.properties.organisationIssuers,
                                data: data28,
                              },
                            ];
                            return false;
                          }
                        }
                        var valid0 = _errs63 === errors;
                      } else {
                        var valid0 = true;
                      }
                      if (valid0) {
                        if (data.trustedKeys !== undefined) {
                          let data30 = data.trustedKeys;
                          const _errs67 = errors;
                          if (errors === _errs67) {
                            if (Array.isArray(data30)) {
                              var valid13 = true;
                              const len7 = data30.length;
                              for (let i7 = 0; i7 < len7; i7++) {
                                let data31 = data30[i7];
                                const _errs69 = errors;
                                if (errors === _errs69) {
                                  if (typeof data31 === "string") {
                                    if (func3(data31) < 1) {
                                      validate10.errors = [
                                        {
                                          instancePath: instancePath + "/trustedKeys/" + i7,
                                          schemaPath: "#/properties/trustedKeys/items/minLength",
                                          keyword: "minLength",
                                          params: { limit: 1 },
                                          message: "must NOT have fewer than 1 characters",
                                          schema: 1,
                                          parentSchema: schema11.properties.trustedKeys.items,
                                          data: data31,
                                        },
                                      ];
                                      return false;
                                    }
                                  } else {
                                    validate10.errors = [
                                      {
                                        instancePath: instancePath + "/trustedKeys/" + i7,
                                        schemaPath: "#/properties/trustedKeys/items/type",
                                        keyword: "type",
                                        params: { type: "string" },
                                        message: "must be string",
                                        schema: schema11.properties.trustedKeys.items.type,
                                        parentSchema: schema11.properties.trustedKeys.items,
                                        data: data31,
                                      },
                                    ];
                                    return false;
                                  }
                                }
                                var valid13 = _errs69 === errors;
                                if (!valid13) {
                                  break;
                                }
                              }
                            } else {
                              validate10.errors = [
                                {
                                  instancePath: instancePath + "/trustedKeys",
                                  schemaPath: "#/properties/trustedKeys/type",
                                  keyword: "type",
                                  params: { type: "array" },
                                  message: "must be array",
                                  schema: schema11.properties.trustedKeys.type,
                                  parentSchema: schema11.properties.trustedKeys,
                                  data: data30,
                                },
                              ];
                              return false;
                            }
                          }
                          var valid0 = _errs67 === errors;
                        } else {
                          var valid0 = true;
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    } else {
      validate10.errors = [
        {
          instancePath,
          schemaPath: "#/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
          schema: schema11.type,
          parentSchema: schema11,
          data,
        },
      ];
      return false;
    }
  }
  validate10.errors = vErrors;
  return errors === 0;
}

export const validateBlastwallConfig: BlastwallConfigValidator = validateUntyped;
