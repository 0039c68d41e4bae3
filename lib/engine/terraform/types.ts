/**
 * The engine's view of one Terraform configuration (one `cdk.tf.json`, one `*.tf.json`, the planned values
 * of a plan, or an HCL directory). Everything above this layer reads only these shapes, so every input
 * format converts into them and nothing else.
 */

import type { WebIdentityToken } from "../reach/edges-web-identity";
import type { PeerFunctions } from "../../rules/function-invokes";
import type { Statement } from "../iam/types";
import type { Grant } from "../analysis-types";

export interface TfResource {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** `aws_iam_role.agent`, `data.aws_iam_policy_document.x`, `module.m.aws_iam_role.r`, `aws_iam_role.r[0]`. */
  readonly address: string;
  /** Attribute values as written (cdktf has already merged `addOverride`s into them). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Construct path from the `//` metadata (cdktf), when present. */
  readonly constructPath?: string;
  /** `file:line` where the block is defined (HCL), when known. */
  readonly location?: string;
  /** `file:line` of the override block that wrote the body's `"//"` (HCL folder), when not the block at `location`. */
  readonly metadataLocation?: string;
  /** `lifecycle` block, when present (`prevent_destroy`, ...). */
  readonly lifecycle?: Readonly<Record<string, unknown>>;
}

/** A `.tfvars` or `.tfbackend` file beside the configuration, its attributes as read. */
export interface FolderValueFile {
  /** Its name in the configuration's folder. */
  readonly file: string;
  readonly kind: "tfvars" | "tfbackend";
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * What a file a configuration names (a shared credentials file, a key file read with `file()`) holds, as
 * `credential-in-source` needs it: never its text. `elsewhere`: not in the repository (the home folder, an absolute path
 * outside it, a path from the environment); `absent`: nothing there; `unreadable`: there, but not read (why says so).
 */
export type RepositoryFile =
  | { readonly state: "elsewhere" | "absent" }
  | { readonly state: "unreadable"; readonly file: string; readonly why: string }
  | {
      readonly state: "read";
      readonly file: string;
      readonly awsSecretProfiles: readonly string[];
      /** The `aws_access_key_id`s of each profile that writes one (a placeholder tells by its shape). */
      readonly awsKeyIds: ReadonlyMap<string, readonly string[]>;
      readonly privateKey: boolean;
    };

export interface TfBackend {
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface TfStack {
  /** The file (or directory, for HCL) this configuration was read from, as the user named it. */
  readonly file: string;
  /**
   * Every configuration file read for it, as paths from where blastwall ran (a folder: each `.tf` and `.tf.json` of it
   * and of its local modules); unset: `file` alone. The report's `summary.files` counts them.
   */
  readonly filesRead?: readonly string[];
  readonly resources: readonly TfResource[];
  readonly byAddress: ReadonlyMap<string, TfResource>;
  readonly byType: ReadonlyMap<string, readonly TfResource[]>;
  readonly backend?: TfBackend;
  /** Literal defaults of `variable` blocks, by name, when present (used to resolve `${var.x}`). */
  readonly variables: ReadonlyMap<string, unknown>;
  /**
   * Every string of the variable values given at check time with `--var-file`: kept apart because such a file may hold
   * what CI passes in and the repository does not (the HCL reader has already put those values in place).
   */
  readonly givenValues?: ReadonlySet<string>;
  /** Every variable the configuration declares, with a value or not. */
  readonly declaredVariables?: ReadonlySet<string>;
  /** The type constraints `variable` blocks declare (`list(string)`), by name, when written. */
  readonly variableTypes?: ReadonlyMap<string, string>;
  /** Literal `locals`, by name. */
  readonly locals: ReadonlyMap<string, unknown>;
  /** The stack name (cdktf: folder name under `stacks/`), when known. */
  readonly name?: string;
  /** `module` blocks, in file order (their resources are not visible). Filled by the JSON reader. */
  readonly modules?: readonly TfModuleCall[];
  /** Where provider and backend blocks are written, for HCL input: `provider.aws.prod` / `terraform.backend.s3` -> `main.tf:3`. */
  readonly blockLocations?: ReadonlyMap<string, string>;
  /** `required_providers` sources by local name (`amazon` -> `hashicorp/aws`), when the configuration writes them. */
  readonly providerSources?: ReadonlyMap<string, string>;
  /**
   * Variable and backend files in the configuration's folder that Terraform does not load by itself (`prod.tfvars`,
   * `prod.s3.tfbackend`): given with `-var-file` / `-backend-config` by whoever runs it, and read by whoever reads the folder.
   */
  readonly folderValueFiles?: readonly FolderValueFile[];
  /**
   * The files of the configuration's repository, by a path as the configuration names it (relative to the folder
   * Terraform runs in): set only by `blastwall check`, which reads the configuration from disk.
   */
  readonly repositoryFile?: (path: string) => RepositoryFile;
  /**
   * The text of each file the HCL reader read for `file()` / `templatefile()`, by its path as written (relative to the
   * root folder, or absolute): the reader puts the
   * text in place, so a credential rule asks here whether a value came from a file, and which.
   */
  readonly functionFileReads?: ReadonlyMap<string, string>;
  /**
   * HCL folders: where blastwall stopped evaluating a value past its evaluation budget (lib/hcl/budget.ts), as notes
   * for the report. A function: the engine's rules may evaluate more of the folder lazily while they run.
   */
  readonly evaluationNotes?: () => readonly string[];
  /** `provider` blocks by `NAME` or `NAME.ALIAS` (`aws`, `aws.prod`), bodies as written (`default_tags`, ...). */
  readonly providers?: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /**
   * Principals that are agents whatever their values say, by address, with the reason (the plan gate: an agent
   * before a plan stays one after it).
   */
  readonly keptAgents?: ReadonlyMap<string, string>;
  /**
   * Resources that are no principal and carried the agent mark before a plan (the plan gate), by address: marked
   * after it whatever their values say, as the mark read then (its reason says so).
   */
  readonly keptMarks?: ReadonlyMap<string, { readonly reason: string; readonly inherited: boolean; readonly bySelectorTags?: true }>;
  /**
   * Which tool's reading of the folder this is, when the tools read it differently (`.tofu` files: "as OpenTofu
   * reads it"); every finding of the stack says so.
   */
  readonly reading?: string;
  /**
   * The S3 backends of the other stacks checked in the same run (a cdktf app's stacks share a state bucket): write
   * access to one is a path to that stack's deploy role, read access to the credentials its state holds.
   */
  readonly peerStates?: readonly PeerState[];
  /**
   * The buckets and tables of the other stacks checked in the same run, and which of them keep no earlier version: an
   * agent's write there is an overwrite of the same kind as in its own stack (or none), not one of a store it cannot see.
   */
  readonly peerStores?: readonly PeerStore[];
  /**
   * The versioning and lifecycle resources of the other stacks checked in the same run: S3 names buckets across
   * stacks, so one of them naming a bucket of this stack sets its versioning or expires its versions as one of this
   * stack would (red-team round 130, F5).
   */
  readonly peerBucketSettings?: readonly PeerBucketSetting[];
  /**
   * The functions of the other stacks checked in the same run, and the ways to make them run, judged in their own
   * stack: invoking one whose role can destroy data is the same path as in this stack (red-team round 130, F3).
   */
  readonly peerFunctions?: readonly PeerFunctions[];
  /**
   * The trails of the other stacks checked in the same run that certainly record write management events: the
   * account's main trail often sits in a logging stack, and a data-event trail beside it elsewhere leaves no gap
   * (red-team round 134, F1).
   */
  readonly peerTrails?: readonly PeerTrail[];
  /**
   * The auto-approval policies for just-in-time node access of the other stacks checked in the same run: the account
   * has one per Region, and it approves this stack's agents' requests there as one of this stack would (red-team round
   * 133, F3).
   */
  readonly peerApprovalPolicies?: readonly PeerApprovalPolicy[];
  /** `output` blocks: name → value as written. */
  readonly outputs?: ReadonlyMap<string, unknown>;
  /** `import` blocks (Terraform 1.5+): an object of the account brought under this configuration. */
  readonly imports?: readonly import("./import-blocks").ImportBlock[];
  /**
   * The addresses `moved` blocks move objects to, in root terms (a local module's, read from an HCL folder, prefixed
   * with its instance's address): such an object keeps its name (tokens.ts).
   */
  readonly movedTo?: readonly string[];
  /**
   * What the other stacks checked in the same run may take away from this one's principals: exclusive managers,
   * `aws_iam_policy_attachment`s, inline policy resources and `import` blocks (peer-removals.ts). A Deny one of them may remove is not relied on.
   */
  readonly peerRemovals?: readonly import("../principals/peer-removals").PeerRemoval[];
  /**
   * The folder Terraform runs in for this configuration, when it was read from a Terraform JSON file on disk (a cdktf
   * stack's folder, where cdktf copies its assets): relative paths of `file()` / `templatefile()` are read there,
   * and nothing outside it is. Unset at synth and for plans: such files are then not known.
   */
  readonly filesDir?: string;
  /**
   * What the other stacks checked in the same run give this one through `data.terraform_remote_state` (a cdktf
   * cross-stack reference is one), by the data source's address: the stack whose state it reads and its outputs,
   * each resolved in that stack.
   */
  readonly remoteOutputs?: ReadonlyMap<string, RemoteState>;
  /**
   * The AI agents of the other stacks checked in the same run, and the principals they can act as there: where this
   * stack names one, it names an agent.
   */
  readonly peerAgents?: readonly PeerAgent[];
  /**
   * The roles of the other stacks of the run that run an agent of this stack or another (its trust names them by ARN,
   * `runs` set): whoever holds their web identity token runs the agent, so the agent's tokens include theirs. Kept
   * apart from `peerAgents`: a runner is no agent, and no principal an agent can act as.
   */
  readonly peerRunners?: readonly PeerAgent[];
}

export interface RemoteState {
  /** The other stack's name (or file). */
  readonly stack: string;
  /**
   * The value at `steps` (the output's name, then any steps into it: `arn`, `[0]`, `["k"]`) as a pattern resolved in
   * that stack (`exact` as in `ResolvedPattern`); undefined when it is not a string blastwall can resolve.
   */
  output(steps: readonly string[]): { readonly pattern: string; readonly exact: boolean } | undefined;
  /** Whether that stack has an output of this name (without one, Terraform takes the source's `defaults`). */
  has(name: string): boolean;
}

export interface PeerAgent {
  /** The other stack's name (or file). */
  readonly stack: string;
  /** Its address there (`aws_iam_role.agent`). */
  readonly address: string;
  readonly kind: "role" | "user";
  /** Its ARN pattern, with the account that stack's provider is pinned to when it is. */
  readonly arnPattern: string;
  /**
   * Why it counts, as a phrase after its address: `an agent there by tag blastwall:agent = "true"`, or `which the
   * AI agent aws_iam_role.agent of stack agents can act as (sts:AssumeRole)` for a principal an agent reaches.
   */
  readonly reason: string;
  /**
   * Set when it is no AI agent itself but an agent can act as it: that agent as a noun, where it is defined
   * (`the AI agent aws_iam_role.agent of stack agents`), also when the path to it runs through other stacks.
   */
  readonly actsFor?: string;
  /**
   * Set when its rights there include OpenSearch Serverless data-plane access (`aoss:APIAccessAll` or
   * `aoss:DashboardsAccessAll`): a data access policy of another stack that names it then decides what it may delete.
   */
  readonly serverlessData?: string;
  /**
   * An agent's own (not set with `actsFor`): the web identity tokens its trust admits, as that stack reads them. Its
   * holder can present them to this stack's roles, in any account, with no AWS permission (edges-web-identity.ts).
   */
  readonly webIdentity?: readonly WebIdentityToken[];
  /** An agent's own (not set with `actsFor`): the role ARNs its trust names, written out with no wildcard. */
  readonly names?: readonly string[];
  /**
   * The resource patterns of its own sts:AssumeRole grants in its stack, as written there, with the grant each comes
   * from (`aws_iam_role_policy.p statement #0 (...)`). A role of another stack whose trust admits an account root (or
   * anyone) leaves the call to this grant: that stack reads it here, as it would read a grant of its own principal,
   * with `assumeDenies` (red-team round 178).
   */
  readonly assumes?: readonly PeerAssume[];
  /**
   * With `assumes`: the Deny statements of its own (identity policies and permission boundary) that may cover
   * sts:AssumeRole. Within its account an explicit Deny wins over the trust, so the other stack asks them whether
   * they certainly refuse its role's ARN, as edges-assume.ts `callerAssumeDenial` asks of the stack's own principals.
   */
  readonly assumeDenies?: readonly Statement[];
  /**
   * Its own grants of the reads of a stored secret (secretsmanager:GetSecretValue, ssm:GetParameter*), their statements'
   * addresses marked with its stack (`aws_iam_role_policy.p of stack alpha`). A stack that stores a credential in a
   * secret or parameter these may match is read by it, as by a principal of its own; `readDenies` go with them: the
   * store's ARN is known only there (red-team round 179).
   */
  readonly reads?: readonly Grant[];
  /** With `reads`: the Deny statements of its own (identity policies and boundary) that may cover one of those reads. */
  readonly readDenies?: readonly Statement[];
  /**
   * Set on a runner only (see `peerRunners`): the agent whose trust names it (`aws_iam_role.agent of stack app`). Its
   * `webIdentity` holds the tokens its own trust admits, which the agent's holder has.
   */
  readonly runs?: string;
  /**
   * The digest of its stack's configuration as written (lib/config/grants-digest.ts `stackConfigurationDigest`): a
   * finding of another stack about it is pinned to what decided, there, that it is an agent or one an agent can act as.
   */
  readonly basis?: string;
}


/** One sts:AssumeRole grant of another stack's principal (see `PeerAgent.assumes`). */
export interface PeerAssume {
  readonly pattern: string;
  readonly grant: string;
}

/** An SSM document of another stack of the run that is, or may be, an auto-approval policy that permits something. */
export interface PeerApprovalPolicy {
  /** The other stack's name (or file). */
  readonly stack: string;
  readonly address: string;
  /** Its provider's pinned account and its literal region; undefined where not known (then it may be any). */
  readonly account?: string;
  readonly region?: string;
}

export interface PeerStore {
  /** The other stack's name (or file). */
  readonly stack: string;
  readonly address: string;
  /** ARN patterns the writes land on (a bucket's objects, a table). */
  readonly arns: readonly string[];
  /** The write actions of its kind (`s3:PutObject`; `dynamodb:PutItem`, ...). */
  readonly actions: readonly string[];
  /** What it lacks: "keeps no object versions ..."; undefined for a store that keeps earlier versions. */
  readonly lacks?: string;
}

/** An `aws_s3_bucket_versioning` or `aws_s3_bucket_lifecycle_configuration` of another stack of the run. */
export interface PeerBucketSetting {
  /** The other stack's name (or file). */
  readonly stack: string;
  /** That stack, as the run links it (its remote states resolve): the resource's values are read there. */
  readonly of: TfStack;
  readonly resource: TfResource;
  /** The bucket it names, read in its stack: an exact name, else a pattern it may be any bucket of. */
  readonly name?: string;
  readonly pattern?: string;
}

/** A trail of another stack of the run that certainly records write management events. */
export interface PeerTrail {
  /** The other stack's name (or file). */
  readonly stack: string;
  /** That stack, as the run links it: the trail's account and Region are read there. */
  readonly of: TfStack;
  readonly resource: TfResource;
}

export interface PeerState {
  /** The other stack's name (or file). */
  readonly stack: string;
  readonly backend: TfBackend;
  /** What credentials that stack's state holds (`an access key of aws_iam_user.deploy`), for the report. */
  readonly credentials: readonly string[];
}

/** Raised for input a user must fix (bad file, bad config). The CLI prints `file: message` and exits 2. */
export class InputError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = "InputError";
  }
}

/** A `module` block: its contents live elsewhere, so the engine cannot see the resources it creates. */
export interface TfModuleCall {
  readonly name: string;
  /** `module.NAME`. */
  readonly address: string;
  readonly source?: string;
  /** Arguments as written. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly constructPath?: string;
}


/**
 * Resources by address. A reference may name an instance (`aws_iam_role.r[0]`) of a resource whose `count` the
 * configuration leaves unexpanded (cdktf JSON, an HCL `count` blastwall cannot evaluate): `get` then falls back to
 * the resource itself, which stands for all its instances.
 */
export class AddressMap<V> extends Map<string, V> {
  override get(address: string): V | undefined {
    const hit = super.get(address);
    if (hit !== undefined || !address.endsWith("]")) return hit;
    const open = address.lastIndexOf("[");
    return open > 0 ? super.get(address.slice(0, open)) : undefined;
  }
}

/** Pseudo resource type for a module blastwall could not read (registry, git, ...): the HCL reader emits one per call. */
export const UNKNOWN_MODULE_TYPE = "blastwall_unknown_module";
