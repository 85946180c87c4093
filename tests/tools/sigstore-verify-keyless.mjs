#!/usr/bin/env node
// Independent keyless (certificate + transparency log) Sigstore bundle verifier for the
// tests, built on the pinned npm packages @sigstore/bundle (JSON decoding and shape
// validation), @sigstore/protobuf-specs (trusted root decoding) and @sigstore/verify
// (certificate chain, SCT, transparency log, signature and identity checks), installed by
// scripts/install-tools.sh from tests/tools/package-lock.json.
//
// Offline: the trust material is the given trusted root alone. Thresholds: one verified
// transparency-log entry, one SCT from a CT log of the root, no RFC 3161 timestamp required
// (the entry's integrated time, authenticated by its signed entry timestamp, is the signing
// time). The policy is the exact SAN and the OIDC issuer extension. For DSSE envelopes whose
// payload is an in-toto statement this script also requires some subject's sha256 to equal
// the artifact's (as the Sigstore clients do for attestations).
//
// Usage: node sigstore-verify-keyless.mjs --bundle FILE --trusted-root FILE --artifact FILE
//          --identity SAN --issuer ISSUER
// Output (stdout): one line, "verified: <san>" or "rejected: <reason>".
// Exit status: 0 verified; 1 rejected; 2 usage error or unreadable file.

import { createRequire } from "node:module";

import { requireArtifactSubject } from "./in-toto-subject.mjs";
import { scriptCli } from "./script-cli.mjs";

const require = createRequire(import.meta.url);
const { bundleFromJSON } = require("@sigstore/bundle");
const { TrustedRoot } = require("@sigstore/protobuf-specs");
const { Verifier, toSignedEntity, toTrustMaterial } = require("@sigstore/verify");

const OPTIONS = ["bundle", "trusted-root", "artifact", "identity", "issuer"];

const { usage, parseArgs, read } = scriptCli(
  "sigstore-verify-keyless",
  "node sigstore-verify-keyless.mjs --bundle FILE --trusted-root FILE --artifact FILE " +
    "--identity SAN --issuer ISSUER");

function main() {
  const args = parseArgs(process.argv.slice(2), OPTIONS);
  const bundleText = read(args.bundle).toString("utf8");
  const rootText = read(args["trusted-root"]).toString("utf8");
  const artifact = read(args.artifact);

  let trust;
  try {
    trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(rootText)));
  } catch (err) {
    usage(`bad trusted root: ${err.message}`);
  }
  const verifier = new Verifier(trust, {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    timestampThreshold: 0,
  });
  const policy = {
    subjectAlternativeName: args.identity,
    extensions: { issuer: args.issuer },
  };

  let signer;
  try {
    const bundle = bundleFromJSON(JSON.parse(bundleText));
    if (bundle.verificationMaterial.content.$case === "publicKey") {
      throw new Error("bundle is signed with a key, not a certificate");
    }
    signer = verifier.verify(toSignedEntity(bundle, artifact), policy);
    // The policy's SAN is matched as a pattern by @sigstore/verify; require it exactly.
    const san = signer.identity && signer.identity.subjectAlternativeName;
    if (san !== args.identity) {
      throw new Error(`certificate identity "${san}" is not "${args.identity}"`);
    }
    requireArtifactSubject(bundle, artifact);
  } catch (err) {
    const code = err && err.code ? `${err.code}: ` : "";
    const cause = err && err.cause && err.cause.message ? ` (${err.cause.message})` : "";
    process.stdout.write(`rejected: ${code}${err && err.message ? err.message : err}${cause}\n`);
    process.exit(1);
  }
  process.stdout.write(`verified: ${signer.identity.subjectAlternativeName}\n`);
}

main();
