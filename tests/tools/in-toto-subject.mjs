// What Sigstore clients require of attestations beyond the signature: a DSSE envelope holding an
// in-toto statement must name the artifact (by sha256) among its subjects.

import { createHash } from "node:crypto";

const IN_TOTO = "application/vnd.in-toto+json";

/** Throws unless `bundle` (from @sigstore/bundle) is not an in-toto DSSE envelope or one of the
 * statement's subjects has the sha256 of `artifact` (bytes). */
export function requireArtifactSubject(bundle, artifact) {
  if (bundle.content.$case !== "dsseEnvelope" ||
      bundle.content.dsseEnvelope.payloadType !== IN_TOTO) {
    return;
  }
  const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString("utf8"));
  const want = createHash("sha256").update(artifact).digest("hex");
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (!subjects.some((s) => s && s.digest && s.digest.sha256 === want)) {
    throw new Error(`no statement subject has the artifact sha256 ${want}`);
  }
}
