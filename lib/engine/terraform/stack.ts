/**
 * Terraform JSON configuration → `TfStack`.
 *
 * Terraform's JSON syntax lets every block level be written either as an object or as an array of objects
 * (`"resource": [{ "aws_iam_role": { ... } }]`, `"aws_iam_role": [{ "a": {...} }, { "b": {...} }]`,
 * `"agent": [{ ...body }]`); all of them are read here. One pass over the input, no copying of bodies:
 * 20,000 resources cost a few milliseconds.
 */
import { isObject } from "../json";
import { removedBlockResource } from "./removed-blocks";
import { readImportBlocks, readMovedTargets } from "./import-blocks";
import { EPHEMERAL_TYPES, ephemeralAddress } from "./ephemeral-blocks";
import { AddressMap, InputError, type TfBackend, type TfModuleCall, type TfResource, type TfStack } from "./types";

type Obj = Record<string, unknown>;


/**
 * The objects a JSON block level stands for: the object itself, or each object of an array.
 * `where` names the level for the error message when it is neither.
 */
function blockObjects(file: string, v: unknown, where: string): Obj[] {
  if (isObject(v)) return [v];
  if (Array.isArray(v)) {
    for (const x of v) {
      if (!isObject(x)) throw new InputError(file, `${where} must be an object or an array of objects`);
    }
    return v as Obj[];
  }
  throw new InputError(file, `${where} must be an object or an array of objects`);
}

/**
 * Builds the engine's model of one configuration. `json` is what `readTerraformJson` returned. `values` are values
 * given for its variables (`--var-file`): they win over the defaults, as `-var-file` does in Terraform. `tool`: the
 * tool whose defaults apply where the two differ (a bare `removed` block), "opentofu" for a file whose folder's lock
 * file says OpenTofu runs there.
 */
export function buildStack(json: unknown, file: string, name?: string, values?: ReadonlyMap<string, unknown>, tool: "terraform" | "opentofu" = "terraform"): TfStack {
  if (!isObject(json)) throw new InputError(file, "is not a Terraform configuration: the top level must be an object");
  const resources: TfResource[] = [];
  const byAddress = new AddressMap<TfResource>();
  const byType = new Map<string, TfResource[]>();

  const add = (r: TfResource) => {
    // One hash lookup per resource: a set that does not grow the map met an address defined before.
    const before = byAddress.size;
    byAddress.set(r.address, r);
    if (byAddress.size === before) throw new InputError(file, `${r.address} is defined more than once`);
    resources.push(r);
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
  };

  readResources(file, json["resource"], "managed", add);
  readResources(file, json["data"], "data", add);
  // Ephemeral blocks of the types blastwall knows, read as data sources of their type are (ephemeral-blocks.ts).
  readResources(file, json["ephemeral"], "ephemeral", add);
  // A `removed` block that keeps its object leaves it in the account, unseen: the rules judge it as a pseudo resource.
  if (json["removed"] !== undefined) {
    blockObjects(file, json["removed"], "removed").forEach((b, i) => {
      const r = removedBlockResource(b, i, "", undefined, tool);
      if (r) add(r);
    });
  }

  const imports = json["import"] === undefined ? [] : readImportBlocks(json["import"]);
  const movedTo = json["moved"] === undefined ? [] : readMovedTargets(json["moved"]);

  const variables = new Map<string, unknown>();
  const variableTypes = new Map<string, string>();
  const declaredVariables = new Set<string>();
  if (json["variable"] !== undefined) {
    for (const block of blockObjects(file, json["variable"], "variable")) {
      for (const [vname, body] of Object.entries(block)) {
        if (vname === "//") continue;
        declaredVariables.add(vname);
        for (const b of bodies(file, body, `variable.${vname}`)) {
          if (values?.has(vname)) variables.set(vname, values.get(vname));
          else if ("default" in b && b["default"] !== null) variables.set(vname, b["default"]);
          if (typeof b["type"] === "string") variableTypes.set(vname, b["type"]);
        }
      }
    }
  }

  const locals = new Map<string, unknown>();
  if (json["locals"] !== undefined) {
    for (const block of blockObjects(file, json["locals"], "locals")) {
      for (const [lname, value] of Object.entries(block)) {
        if (lname === "//") continue;
        locals.set(lname, value);
      }
    }
  }

  let backend: TfBackend | undefined;
  const providerSources = new Map<string, string>();
  if (json["terraform"] !== undefined) {
    for (const block of blockObjects(file, json["terraform"], "terraform")) {
      if (block["backend"] !== undefined) {
        for (const bo of blockObjects(file, block["backend"], "terraform.backend")) {
          for (const [btype, cfg] of Object.entries(bo)) {
            if (btype === "//") continue;
            backend = { type: btype, config: firstBody(file, cfg, `terraform.backend.${btype}`) };
          }
        }
      }
      if (block["cloud"] !== undefined) {
        backend = { type: "cloud", config: firstBody(file, block["cloud"], "terraform.cloud") };
      }
      // Local names of providers (`amazon` for hashicorp/aws): a provider block is known by its source, not its name.
      const required = block["required_providers"];
      for (const rp of Array.isArray(required) ? required : [required]) {
        if (!isObject(rp)) continue;
        for (const [local, spec] of Object.entries(rp)) {
          const source = isObject(spec) ? spec["source"] : undefined;
          if (typeof source === "string") providerSources.set(local, source);
        }
      }
    }
  }

  const modules: TfModuleCall[] = [];
  if (json["module"] !== undefined) {
    for (const block of blockObjects(file, json["module"], "module")) {
      for (const [mname, body] of Object.entries(block)) {
        if (mname === "//") continue;
        for (const b of bodies(file, body, `module.${mname}`)) {
          const source = typeof b["source"] === "string" ? (b["source"] as string) : undefined;
          modules.push({ name: mname, address: `module.${mname}`, source, values: b, constructPath: constructPathOf(b) });
        }
      }
    }
  }

  const outputs = new Map<string, unknown>();
  if (json["output"] !== undefined) {
    for (const block of blockObjects(file, json["output"], "output")) {
      for (const [oname, body] of Object.entries(block)) {
        if (oname === "//") continue;
        for (const b of bodies(file, body, `output.${oname}`)) outputs.set(oname, b["value"]);
      }
    }
  }

  const providers = new Map<string, Obj>();
  if (json["provider"] !== undefined) {
    for (const block of blockObjects(file, json["provider"], "provider")) {
      for (const [pname, body] of Object.entries(block)) {
        if (pname === "//") continue;
        for (const b of bodies(file, body, `provider.${pname}`)) {
          const alias = typeof b["alias"] === "string" ? `${pname}.${b["alias"]}` : pname;
          providers.set(alias, b);
        }
      }
    }
  }

  // The name scopes acknowledgements ("stack": "staging"), so it comes from where the file sits (or the synth), never
  // from the file's own `//.metadata.stackName`: a prod file saying it is staging must not get staging's.
  const stackName = name;

  return {
    file,
    resources,
    byAddress,
    byType,
    backend,
    variables,
    ...(variableTypes.size > 0 ? { variableTypes } : {}),
    ...(declaredVariables.size > 0 ? { declaredVariables } : {}),
    locals,
    name: stackName,
    modules,
    providers,
    ...(providerSources.size > 0 ? { providerSources } : {}),
    ...(outputs.size > 0 ? { outputs } : {}),
    ...(imports.length > 0 ? { imports } : {}),
    ...(movedTo.length > 0 ? { movedTo } : {}),
  };
}

/** The bodies a named block stands for: an object, or (rarely) an array of objects. */
function bodies(file: string, v: unknown, where: string): Obj[] {
  return blockObjects(file, v, where);
}

function firstBody(file: string, v: unknown, where: string): Obj {
  const list = blockObjects(file, v, where);
  if (list.length === 1) return list[0];
  const merged: Obj = {};
  for (const o of list) Object.assign(merged, o);
  return merged;
}

/** The blocks of a section: `resource` (managed), `data`, or `ephemeral` (kept for EPHEMERAL_TYPES only). */
type Section = "managed" | "data" | "ephemeral";

function readResources(
  file: string,
  section: unknown,
  mode: Section,
  add: (r: TfResource) => void,
): void {
  if (section === undefined) return;
  const top = mode === "managed" ? "resource" : mode;
  for (const typeBlock of blockObjects(file, section, top)) {
    for (const type in typeBlock) {
      if (type === "//") continue;
      if (mode === "ephemeral" && !EPHEMERAL_TYPES.has(type)) continue;
      for (const namedBlock of blockObjects(file, typeBlock[type], `${top}.${type}`)) {
        for (const rname in namedBlock) {
          if (rname === "//") continue;
          const body = namedBlock[rname];
          // The common case first: one body object per name.
          if (isObject(body)) {
            add(makeResource(mode, type, rname, body));
            continue;
          }
          const list = bodies(file, body, `${top}.${type}.${rname}`);
          if (list.length > 1) {
            throw new InputError(file, `${addressOf(mode, type, rname)} is defined more than once`);
          }
          for (const values of list) add(makeResource(mode, type, rname, values));
        }
      }
    }
  }
}

function addressOf(mode: Section, type: string, name: string): string {
  if (mode === "ephemeral") return ephemeralAddress(type, name);
  return mode === "data" ? "data." + type + "." + name : type + "." + name;
}

function makeResource(mode: Section, type: string, name: string, values: Obj): TfResource {
  // Same shape for every resource (absent fields are undefined), which keeps property access monomorphic. An ephemeral
  // block is no managed resource: it reads as a data source of its type does.
  return { mode: mode === "managed" ? "managed" : "data", type, name, address: addressOf(mode, type, name), values, constructPath: constructPathOf(values), lifecycle: lifecycleOf(values["lifecycle"]) };
}

/** `values["//"].metadata.path`, the construct path cdktf records for every element. */
export function constructPathOf(values: Obj): string | undefined {
  const meta = values["//"];
  if (!isObject(meta)) return undefined;
  const m = meta["metadata"];
  if (!isObject(m)) return undefined;
  const p = m["path"];
  return typeof p === "string" ? p : undefined;
}

function lifecycleOf(v: unknown): Readonly<Obj> | undefined {
  if (isObject(v)) return v;
  if (Array.isArray(v)) {
    const merged: Obj = {};
    for (const x of v) if (isObject(x)) Object.assign(merged, x);
    return merged;
  }
  return undefined;
}

export { isObject };
