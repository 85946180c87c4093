#!/usr/bin/env node
// Independent Sigstore bundle signer for the tests: signs with Node's own crypto
// (ECDSA P-256 over SHA-256, or Ed25519) and builds the bundle with the pinned npm
// package @sigstore/bundle (toDSSEBundle / toMessageSignatureBundle, bundleToJSON), so
// the project's verifier can be checked against bundles made by another implementation.
// Verification material is the key hint (standard base64 of SHA-256 over the SPKI DER);
// there are no transparency-log entries.
//
// Usage:
//   node sigstore-sign.mjs --key PRIVATE.pem --payload FILE --payload-type TYPE --out FILE
//       DSSE envelope over FILE's bytes (the DSSE v1 pre-authentication encoding is signed)
//   node sigstore-sign.mjs --key PRIVATE.pem --artifact FILE --out FILE
//       message signature over FILE's bytes
// Exit status: 0 written; 2 usage error, unreadable input or unsupported key.

import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

import { scriptCli } from "./script-cli.mjs";

const require = createRequire(import.meta.url);
const { bundleToJSON, toDSSEBundle, toMessageSignatureBundle } = require("@sigstore/bundle");

const { usage, parseArgs: parseOptions, read } = scriptCli("sigstore-sign");

function parseArgs(argv) {
  const out = parseOptions(argv, ["key", "payload", "payload-type", "artifact", "out"], []);
  if (out.key === undefined || out.out === undefined) {
    usage("--key and --out are required");
  }
  if ((out.payload === undefined) === (out.artifact === undefined)) {
    usage("give exactly one of --payload (with --payload-type) and --artifact");
  }
  if (out.payload !== undefined && !out["payload-type"]) {
    usage("--payload needs --payload-type");
  }
  return out;
}

// DSSE v1 pre-authentication encoding, written out here rather than borrowed.
function pae(type, payload) {
  const typeBytes = Buffer.from(type, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${typeBytes.length} `, "utf8"),
    typeBytes,
    Buffer.from(` ${payload.length} `, "utf8"),
    payload,
  ]);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let key;
  try {
    key = createPrivateKey(read(args.key));
  } catch (err) {
    usage(`bad private key: ${err.message}`);
  }
  let digest;
  if (key.asymmetricKeyType === "ed25519") {
    digest = null;
  } else if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails.namedCurve === "prime256v1") {
    digest = "sha256";
  } else {
    usage(`unsupported key type ${key.asymmetricKeyType}`);
  }
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  const hint = createHash("sha256").update(spki).digest("base64");

  let bundle;
  if (args.payload !== undefined) {
    const payload = read(args.payload);
    const signature = sign(digest, pae(args["payload-type"], payload), key);
    bundle = toDSSEBundle({
      artifact: payload,
      artifactType: args["payload-type"],
      signature,
      keyHint: hint,
    });
  } else {
    const artifact = read(args.artifact);
    const signature = sign(digest, artifact, key);
    bundle = toMessageSignatureBundle({
      digest: createHash("sha256").update(artifact).digest(),
      signature,
      keyHint: hint,
    });
  }
  writeFileSync(args.out, JSON.stringify(bundleToJSON(bundle)) + "\n");
}

main();
