/**
 * What the stacks checked together tell each other about their stores, functions and auto-approval policies for
 * just-in-time node access (red-team round 130, F3 to F6; round 133, F3).
 * A bucket and what protects it may sit in different stacks: S3 names buckets across stacks, so a versioning or
 * lifecycle resource of one stack that names another stack's bucket sets that bucket. A function an agent can make
 * run may be another stack's, reached by a cross-stack reference or its literal ARN. The account's main trail may sit in
 * a logging stack, beside which a data-event trail elsewhere leaves no gap (red-team round 134, F1). Both `blastwall check` and the
 * synth-time gate (for the stacks it reads) judge them here, so the two see one set.
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { PeerApprovalPolicy, PeerBucketSetting, PeerStore, PeerTrail, TfStack } from "../engine/terraform/types";
import { autoApprovalPolicy } from "../engine/reach/edges-node-access";
import { resourceAccount, resourceRegion } from "../engine/terraform/providers";
import { buildAnalysis } from "../engine/analyze";
import { storesForPeers } from "../rules/agent-overwrite-unprotected";
import { bucketSettingsOf } from "../rules/s3-bucket-versioning";
import { trailsForPeers } from "../rules/audit-trail-off";
import { functionsForPeers, type PeerFunctions, type PeerFunctionsRead } from "../rules/function-invokes";
import { sameStack, stackLabel, type RunMemo, type StateIndex } from "./peer-stacks";

export interface PeerResources {
  readonly peerStores?: readonly PeerStore[];
  readonly peerBucketSettings?: readonly PeerBucketSetting[];
  readonly peerFunctions?: readonly PeerFunctions[];
  readonly peerTrails?: readonly PeerTrail[];
  readonly peerApprovalPolicies?: readonly PeerApprovalPolicy[];
}

/**
 * For each stack of the run, the fields that give it the other stacks' stores, bucket settings and functions. Each
 * stack is read as the run links it (`index`), so a reference to another stack's output resolves; a stack's stores are
 * judged with every other stack's settings, so a lifecycle rule in a third stack counts where the bucket is.
 */
export function peerResources(stacks: readonly TfStack[], index: StateIndex, config: BlastwallConfig, memo?: RunMemo): (plain: TfStack) => PeerResources {
  if (stacks.length < 2) return () => ({});
  // Within one run (the memo's key names every stack of it), what a stack gives the others is the same at every
  // validation of the synth gate: kept, as agentsOfRun keeps its agents.
  const kept = <T>(of: TfStack, part: string, make: () => T): T => {
    const key = memo?.parts && memo.keyOf(of);
    if (!key) return make();
    const k = `${part} ${key}`;
    if (memo!.parts!.has(k)) return memo!.parts!.get(k) as T;
    const v = make();
    memo!.parts!.set(k, v);
    return v;
  };
  const linked = stacks.map((s) => ({ of: s, linked: index.linked(s), label: stackLabel(s) }));
  const settings = linked.map((x) => ({ of: x.of, settings: kept(x.of, "settings", () => bucketSettingsOf(x.linked, x.label)) }));
  const othersSettings = (s: TfStack) => settings.filter((x) => !sameStack(x.of, s)).flatMap((x) => x.settings);
  const withSettings = (x: (typeof linked)[number]): TfStack => {
    const peerBucketSettings = othersSettings(x.of);
    return peerBucketSettings.length > 0 ? { ...x.linked, peerBucketSettings } : x.linked;
  };
  const stores = linked.map((x) => ({ of: x.of, stores: kept(x.of, "stores", () => storesForPeers(withSettings(x), x.label)) }));
  const functions = linked.flatMap((x) => {
    if (!(x.of.byType.get("aws_lambda_function") ?? []).some((f) => f.mode === "managed")) return [];
    // The judgement is made when first asked for, and kept with the peer.
    const peer = kept(x.of, "functions", (): PeerFunctions => {
      let read: PeerFunctionsRead | undefined;
      const judge = (): PeerFunctionsRead => {
        const stack = withSettings(x);
        return functionsForPeers({ stack, analysis: buildAnalysis(stack, config), config, strict: false });
      };
      return { stack: x.label, read: () => (read ??= judge()) };
    });
    return [{ of: x.of, peer }];
  });
  const trails = linked.map((x) => ({ of: x.of, trails: kept(x.of, "trails", () => trailsForPeers(x.linked, x.label)) }));
  // The account's auto-approval policy is often kept in a central stack: read there, it approves the agents here.
  const approvals = linked.flatMap((x) => {
    const policy = kept(x.of, "approval", (): PeerApprovalPolicy | undefined => {
      const d = autoApprovalPolicy(x.linked);
      if (!d) return undefined;
      const account = resourceAccount(x.linked, d);
      const region = resourceRegion(x.linked, d);
      return { stack: x.label, address: d.address, ...(account !== undefined && { account }), ...(region !== undefined && { region }) };
    });
    return policy ? [{ of: x.of, policy }] : [];
  });
  return (plain) => {
    const other = (x: { of: TfStack }) => !sameStack(x.of, plain);
    const peerTrails = trails.filter(other).flatMap((x) => x.trails);
    const peerStores = stores.filter(other).flatMap((x) => x.stores);
    const peerBucketSettings = othersSettings(plain);
    const peerFunctions = functions.filter(other).map((x) => x.peer);
    const peerApprovalPolicies = approvals.filter(other).map((x) => x.policy);
    return {
      ...(peerStores.length > 0 && { peerStores }),
      ...(peerBucketSettings.length > 0 && { peerBucketSettings }),
      ...(peerFunctions.length > 0 && { peerFunctions }),
      ...(peerTrails.length > 0 && { peerTrails }),
      ...(peerApprovalPolicies.length > 0 && { peerApprovalPolicies }),
    };
  };
}
