/** A string of up to `maxLen` characters drawn from `alphabet` by `rand`: the fuzz tests' generator. */
export function pick(rand: () => number, alphabet: string, maxLen: number): string {
  const n = Math.floor(rand() * (maxLen + 1));
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}
