/**
 * Code an EMR cluster fetches from S3 and runs on its instances, as the role of its instance profile (red-team round
 * 66): bootstrap actions (run with sudo on every node at launch, on nodes that managed scaling or a resize adds later
 * too), and steps (a step's own JAR, and the scripts script-runner, command-runner or spark-submit take from S3).
 * Writing that object is running code as the instance role. What blastwall cannot read (a path or argument it
 * cannot resolve, a `dynamic` block) may name any object.
 */
import type { TfResource, TfStack } from "../terraform/types";
import { blocks } from "../json";
import { refTarget } from "../terraform/tokens";
import { anyObject, s3Objects, texts, type Fetched } from "./fetched-sources";
import { dynamicContents } from "./dynamic-blocks";
import { clusterInstanceProfile } from "./sessions";

/** The S3 objects whose content an EMR cluster runs on its instances. */
export function emrClusterCode(stack: TfStack, cluster: TfResource): Fetched[] {
  const out: Fetched[] = [];
  const read = (v: unknown, via: string) => {
    for (const t of texts(stack, v)) {
      // Locations with parts blastwall cannot resolve read as `*` there (`s3://*/run.sh`).
      const found = s3Objects(t, via);
      out.push(...found);
      // A value blastwall cannot resolve at all may be an S3 location.
      if (found.length === 0 && t === "*") out.push(anyObject(via));
    }
  };
  const each = (body: unknown, name: string): (Record<string, unknown> | undefined)[] => [...blocks((body as Record<string, unknown>)[name]), ...dynamicContents(body, name)];
  for (const b of each(cluster.values, "bootstrap_action")) {
    if (!b) {
      out.push(anyObject("run by a dynamic bootstrap_action"));
      continue;
    }
    const path = b["path"];
    if (typeof path !== "string") out.push(anyObject("run by a bootstrap action"));
    else read(path, "run by a bootstrap action");
    read(b["args"], "named in a bootstrap action's arguments");
  }
  for (const st of each(cluster.values, "step")) {
    const jars = st ? each(st, "hadoop_jar_step") : [undefined];
    for (const j of jars) {
      if (!j) {
        out.push(anyObject("run by a step blastwall cannot read"));
        continue;
      }
      read(j["jar"], "a step's JAR");
      read(j["args"], "named in a step's arguments");
    }
  }
  return out;
}

/**
 * The role an EMR cluster's instances run as: its instance profile's `role` as written (`role`), or undefined when
 * blastwall cannot tell which profile it is (a profile outside the stack, a data source, a dynamic ec2_attributes);
 * null for a profile of the stack without a role.
 */
export function emrInstanceRole(stack: TfStack, cluster: TfResource): { role: unknown } | null | undefined {
  const written = clusterInstanceProfile(cluster);
  if (written === undefined || written === null || written === "") return undefined;
  const ref = refTarget(written);
  const profiles = (stack.byType.get("aws_iam_instance_profile") ?? []).filter((p) => p.mode === "managed");
  const profile = ref
    ? stack.byAddress.get(ref.address)
    : profiles.find((p) => typeof written === "string" && typeof p.values["name"] === "string" && (written === p.values["name"] || written.endsWith(`/${p.values["name"]}`)));
  if (!profile || profile.mode !== "managed" || profile.type !== "aws_iam_instance_profile") return undefined;
  const role = profile.values["role"];
  return role === undefined || role === null || role === "" ? null : { role };
}
