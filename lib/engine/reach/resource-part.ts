/**
 * The resource part of an ARN pattern (what follows its fifth colon), as far as it decides which resources the
 * pattern may name. IAM's `*` and `?` match colons too, so a pattern shorter than an ARN whose wildcard comes before
 * the resource part (`**`, `arn:*`, `arn:aws:ecr:*`) may stand for any resource part: it reads as `*` here, not as an
 * empty resource part that names nothing (red-team round 70: `ecr:PutImage` on `arn:*` was a push to no repository).
 */
export function resourcePartOf(pattern: string): string {
  const parts = pattern.split(":");
  if (parts.length < 6) return /[*?]/.test(pattern) ? "*" : "";
  return parts.slice(5).join(":");
}

/** Whether the pattern's resource part holds a wildcard: it may name resources of any name, the stack's or not. */
export function wildResourcePart(pattern: string): boolean {
  return /[*?]/.test(resourcePartOf(pattern));
}
