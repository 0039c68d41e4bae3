import { generateKeyPairSync } from "crypto";

export interface PemPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** An Ed25519 key pair in the PEM forms `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write. */
export function ed25519(): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519", {
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
