#!/usr/bin/env node
// Independent Sigstore bundle verifier for the tests, built on the pinned npm packages
// @sigstore/bundle (JSON decoding and shape validation) and @sigstore/verify (signature
// checks), installed by scripts/install-tools.sh from tests/tools/package-lock.json.
//
// Key mode, offline: the trust material holds no certificate authorities, logs or
// timestamp authorities; the one public key given is registered under its Sigstore key
// hint (standard base64 of SHA-256 over the SPKI DER), and the transparency-log, CT-log
// and timestamp thresholds are 0. For message signatures the artifact bytes are bound by
// @sigstore/verify itself; for DSSE envelopes whose payload is an in-toto statement this
// script also requires some subject's sha256 to equal the artifact's (as the Sigstore
// clients do for attestations).
//
// Usage: node sigstore-verify.mjs --bundle FILE --key PUBLIC.pem --artifact FILE
// Output (stdout): one line, "verified: <key hint>" or "rejected: <reason>".
// Exit status: 0 verified; 1 rejected; 2 usage error or unreadable file.

import { createHash, createPublicKey } from "node:crypto";
import { createRequire } from "node:module";

import { requireArtifactSubject } from "./in-toto-subject.mjs";
import { scriptCli } from "./script-cli.mjs";

const require = createRequire(import.meta.url);
const { bundleFromJSON } = require("@sigstore/bundle");
const { Verifier, toSignedEntity, toTrustMaterial } = require("@sigstore/verify");

const { usage, parseArgs, read } = scriptCli(
  "sigstore-verify", "node sigstore-verify.mjs --bundle FILE --key PUBLIC.pem --artifact FILE");

function main() {
  const args = parseArgs(process.argv.slice(2), ["bundle", "key", "artifact"]);
  const bundleText = read(args.bundle).toString("utf8");
  const keyPem = read(args.key).toString("utf8");
  const artifact = read(args.artifact);

  let keyObject;
  try {
    keyObject = createPublicKey(keyPem);
  } catch (err) {
    usage(`bad public key: ${err.message}`);
  }
  const spki = keyObject.export({ type: "spki", format: "der" });
  const hint = createHash("sha256").update(spki).digest("base64");

  const root = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  };
  const keys = { [hint]: { rawBytes: spki, keyDetails: undefined, validFor: undefined } };
  const trust = toTrustMaterial(root, keys);
  const verifier = new Verifier(trust, {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });

  try {
    const bundle = bundleFromJSON(JSON.parse(bundleText));
    verifier.verify(toSignedEntity(bundle, artifact));
    requireArtifactSubject(bundle, artifact);
  } catch (err) {
    const code = err && err.code ? `${err.code}: ` : "";
    process.stdout.write(`rejected: ${code}${err && err.message ? err.message : err}\n`);
    process.exit(1);
  }
  process.stdout.write(`verified: ${hint}\n`);
}

main();
